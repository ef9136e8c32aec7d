import { controlSheet } from '../../core/control-sheet.ts';
import { dayOf, formatInstant, type Instant, isoDateOf, MINUTE_MS, startOfDay } from '../../core/instant.ts';
import { composeNotice, type DigestItem, type DigestLine, type NoticeContext } from '../../core/messages.ts';
import type { DossierMeta, NoticeRecord } from '../../schemas/records.ts';
import { cachedUnit, loadDossier, unitChain } from '../dossiers.ts';
import type { Deps } from '../ports.ts';
import { CLAIM_LEASE_MS } from '../timing.ts';
import { BATCH_PARTITION } from './batch.ts';
import { digestId, takeSlot } from './folding.ts';
import { claim, claimable, sendAndSettle } from './sender.ts';

/**
 * The morning digests (working days, `digestAt`, default 07:30). Each unit with something to act on
 * gets one SMS: the dossiers it holds that are overdue or come due today or on the next working day
 * (letter 001 §4, docs/law.md §8: watch what is "sắp đến hạn" so that none is returned late), the
 * warnings folded into it that are still open, and the notices past its daily SMS cap, with counts and
 * the most urgent codes, within two parts. The provincial office gets the overdue dossiers by unit (the
 * appendix of letter 002). One digest per unit and day (deterministic ids, written once).
 */
export async function digest(deps: Deps): Promise<{ sent: number; overdue: number }> {
  const now = deps.now();
  if (!deps.calendar.isWorkingInstant(now)) return { sent: 0, overdue: 0 };
  const settings = deps.policy.defaults;
  const day = isoDateOf(dayOf(now));
  const closeToday = deps.calendar.closeOfWorkingDay(now);
  const closeNext = deps.calendar.closeOfNthWorkingDayAfter(now, 1);
  const soon = await deps.store.dossiers.openOverdue(formatInstant(closeNext + 1));
  const folded = await deps.store.notices.foldedInto(day);

  const items = new Map<string, Map<string, DigestItem>>();
  const metas = new Map<string, DossierMeta | null>();
  const stateOf = (due: Instant): DigestItem['state'] =>
    due < now ? 'overdue' : due <= closeToday ? 'today' : due <= closeNext ? 'next' : 'later';
  const add = (unitId: string, item: DigestItem) => {
    const list = items.get(unitId) ?? new Map<string, DigestItem>();
    const had = list.get(item.dossierId);
    if (!had || (item.dueAt ?? Infinity) < (had.dueAt ?? Infinity)) list.set(item.dossierId, item);
    items.set(unitId, list);
  };
  const overdueByUnit = new Map<string, number>();
  for (const d of soon) {
    metas.set(d.dossierId, d);
    if (d.dueAt === null || d.holderUnitId === null) continue;
    const due = Date.parse(d.dueAt);
    if (due < now) overdueByUnit.set(d.holderUnitId, (overdueByUnit.get(d.holderUnitId) ?? 0) + 1);
    if (settings.digestWhenOnlyComingDue || due < now)
      add(d.holderUnitId, { dossierId: d.dossierId, dueAt: due, state: stateOf(due) });
  }
  // Folded notices still worth reading: their dossier open, a warned step not yet completed.
  const carried = new Map<string, string[]>();
  for (const n of folded) {
    for (const item of await stillOpen(deps, n, now, metas)) {
      add(n.unitId, { ...item, state: stateOf(item.dueAt ?? now) });
      carried.set(n.unitId, [...(carried.get(n.unitId) ?? []), `${n.dossierId}|${n.noticeId}`]);
    }
  }
  // The dossiers a unit holds that come due soon are counted (and listed) once it has a digest at all.
  for (const d of soon) {
    if (d.dueAt === null || d.holderUnitId === null || !items.has(d.holderUnitId)) continue;
    const due = Date.parse(d.dueAt);
    add(d.holderUnitId, { dossierId: d.dossierId, dueAt: due, state: stateOf(due) });
  }

  const dateText = `${day.slice(8, 10)}/${day.slice(5, 7)}`;
  const nextIso = isoDateOf(dayOf(closeNext));
  const nextText = `${nextIso.slice(8, 10)}/${nextIso.slice(5, 7)}`;
  const recipients: {
    unitId: string;
    noticeId: string;
    context: (name: string) => NoticeContext['unitDigest' | 'provinceDigest'];
    province: boolean;
    members: string[];
  }[] = [];
  for (const [unitId, list] of [...items.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const sorted = [...list.values()].sort(
      (a, b) => (a.dueAt ?? 0) - (b.dueAt ?? 0) || a.dossierId.localeCompare(b.dossierId),
    );
    const count = (s: DigestItem['state']) => sorted.filter((i) => i.state === s).length;
    recipients.push({
      unitId,
      noticeId: digestId(unitId, day),
      province: false,
      members: carried.get(unitId) ?? [],
      context: () => ({
        date: dateText,
        nextDate: nextText,
        overdue: count('overdue'),
        today: count('today'),
        next: count('next'),
        items: sorted,
      }),
    });
  }
  const overdueTotal = [...overdueByUnit.values()].reduce((a, b) => a + b, 0);
  const office = await provincialOffice(deps, [...overdueByUnit.keys()][0] ?? null);
  if (office !== null && overdueTotal > 0) {
    const lines: DigestLine[] = [];
    for (const [unitId, count] of [...overdueByUnit.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
      lines.push({ unitName: (await cachedUnit(deps, unitId))?.name ?? 'đơn vị', count });
    recipients.push({
      unitId: office,
      noticeId: `digest/province-${office}/${day}`,
      province: true,
      members: [],
      context: () => ({ date: dateText, total: overdueTotal, lines }),
    });
  }

  const partition = `DIGEST-${day}`;
  let sent = 0;
  for (const r of recipients) {
    const record: NoticeRecord = {
      noticeId: r.noticeId,
      dossierId: partition,
      kind: 'digest',
      rung: null,
      stepId: null,
      unitId: r.unitId,
      subjectUnitId: r.unitId,
      audience: 'head',
      dueAt: formatInstant(startOfDay(dayOf(now)) + settings.digestAt * MINUTE_MS),
      sendAfter: formatInstant(now),
      version: 0,
      createdAt: formatInstant(now),
      status: 'pending',
      ...(r.members.length ? { members: r.members } : {}),
    };
    if (!(await deps.store.notices.put(record))) {
      // Already written today: sent, or left unsent by a run that died (the schedule's retry, the sweeper).
      const existing = await deps.store.notices.get(partition, r.noticeId);
      if (!existing || !claimable(existing, formatInstant(now - CLAIM_LEASE_MS))) continue;
    }
    const claimId = await claim(deps, record, now);
    if (claimId === null) continue;
    const unit = await cachedUnit(deps, r.unitId);
    const name = unit?.name ?? 'đơn vị';
    const message = composeNotice(
      'digest',
      {
        brand: settings.brand,
        dossierId: '',
        procedureName: '',
        unitName: name,
        subjectUnitName: name,
        dueAt: null,
        rung: null,
        stepName: null,
        ...(r.province
          ? { provinceDigest: r.context(name) as NoticeContext['provinceDigest'] }
          : { unitDigest: r.context(name) as NoticeContext['unitDigest'] }),
      },
      settings,
    );
    // Counted in the head's daily SMS, never refused: the digest is where notices past the cap go.
    await takeSlot(deps, r.unitId, r.noticeId, now, null);
    const result = await sendAndSettle(deps, record, { unit, unitId: r.unitId }, message, formatInstant(now), claimId);
    if (result.status === 'sent') sent++;
  }
  await deps.store.notices.markDigestRun(day, formatInstant(now));
  return { sent, overdue: overdueTotal };
}

/** The provincial office: the policy's, once upserted; else the root above a unit (as before). */
async function provincialOffice(deps: Deps, anyUnit: string | null): Promise<string | null> {
  const office = deps.policy.provincialOfficeUnitId;
  if (office !== undefined && (await cachedUnit(deps, office))) return office;
  if (anyUnit === null) return null;
  const chain = [...(await unitChain(deps, anyUnit)).keys()];
  return chain[chain.length - 1] ?? null;
}

/** The open dossiers a folded notice (or a folded batch's members) is about, with the due to watch. */
async function stillOpen(
  deps: Deps,
  n: NoticeRecord,
  now: Instant,
  metas: Map<string, DossierMeta | null>,
): Promise<{ dossierId: string; dueAt: Instant | null }[]> {
  const refs = n.dossierId.startsWith(BATCH_PARTITION)
    ? (n.members ?? []).map((m) => ({ dossierId: m.split('|')[0]!, stepId: null }))
    : [{ dossierId: n.dossierId, stepId: n.stepId }];
  const out: { dossierId: string; dueAt: Instant | null }[] = [];
  for (const ref of refs) {
    if (!metas.has(ref.dossierId)) metas.set(ref.dossierId, await deps.store.dossiers.get(ref.dossierId));
    const meta = metas.get(ref.dossierId);
    if (!meta?.open) continue;
    if (ref.stepId === null) {
      out.push({ dossierId: ref.dossierId, dueAt: meta.dueAt === null ? null : Date.parse(meta.dueAt) });
      continue;
    }
    if (meta.closedSteps.includes(ref.stepId)) continue;
    // A warned step: its own due, from the dossier's ledgers.
    const { state } = await loadDossier(deps, ref.dossierId);
    const step = controlSheet(deps.calendar, state, now).steps.find((s) => s.stepId === ref.stepId);
    if (step && step.completedAt === null) out.push({ dossierId: ref.dossierId, dueAt: step.dueAt });
  }
  return out;
}
