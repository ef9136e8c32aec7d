import { dayOf, formatInstant, isoDateOf, MINUTE_MS, startOfDay } from '../../core/instant.ts';
import { composeNotice, type DigestLine } from '../../core/messages.ts';
import type { NoticeRecord } from '../../schemas/records.ts';
import { cachedUnit, unitChain } from '../dossiers.ts';
import type { Deps } from '../ports.ts';
import { CLAIM_LEASE_MS } from '../timing.ts';
import { claim, claimable, sendAndSettle } from './sender.ts';

/**
 * The daily digest (the "Phụ lục" of letter 002, docs/law.md §8): each head with open overdue dossiers gets their list,
 * the provincial office gets the count by unit. Runs on working days; one digest per unit and day.
 */
export async function digest(deps: Deps): Promise<{ sent: number; overdue: number }> {
  const now = deps.now();
  if (!deps.calendar.isWorkingInstant(now)) return { sent: 0, overdue: 0 };
  const overdue = await deps.store.dossiers.openOverdue(formatInstant(now));
  const byUnit = new Map<string, string[]>();
  for (const d of overdue) {
    const unit = d.holderUnitId ?? '-';
    byUnit.set(unit, [...(byUnit.get(unit) ?? []), d.dossierId]);
  }
  if (byUnit.size === 0) return { sent: 0, overdue: 0 };
  const day = isoDateOf(dayOf(now));
  const partition = `DIGEST-${day}`;
  const dateText = `${day.slice(8, 10)}/${day.slice(5, 7)}`;
  const settings = deps.policy.defaults;
  const lines: (DigestLine & { unitId: string })[] = [];
  let root: string | null = null;
  for (const [unitId, ids] of [...byUnit.entries()].sort(
    (a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]),
  )) {
    const unit = await cachedUnit(deps, unitId);
    lines.push({ unitId, unitName: unit?.name ?? unitId, count: ids.length, dossierIds: ids.sort() });
    const chain = [...(await unitChain(deps, unitId)).keys()];
    root ??= chain[chain.length - 1] ?? null;
  }
  const recipients = lines.map((l) => ({ unitId: l.unitId, lines: [l], perUnit: true }));
  if (root !== null) recipients.push({ unitId: root, lines, perUnit: false });
  let sent = 0;
  for (const r of recipients) {
    const noticeId = `digest/${r.perUnit ? r.unitId : `province-${r.unitId}`}/${day}`;
    const record: NoticeRecord = {
      noticeId,
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
    };
    if (!(await deps.store.notices.put(record))) {
      // Already written today: sent, or left unsent by a run that died (the schedule's retry, the sweeper).
      const existing = await deps.store.notices.get(partition, noticeId);
      if (!existing || !claimable(existing, formatInstant(now - CLAIM_LEASE_MS))) continue;
    }
    const claimId = await claim(deps, record, now);
    if (claimId === null) continue;
    const unit = await cachedUnit(deps, r.unitId);
    const message = composeNotice(
      'digest',
      {
        dossierId: '',
        procedureName: '',
        unitName: unit?.name ?? r.unitId,
        subjectUnitName: unit?.name ?? r.unitId,
        dueAt: null,
        rung: null,
        stepId: null,
        digest: { date: dateText, total: r.lines.reduce((n, l) => n + l.count, 0), lines: r.lines, perUnit: r.perUnit },
      },
      settings,
    );
    const result = await sendAndSettle(
      deps,
      record,
      unit ? unit.head.phone : null,
      message,
      formatInstant(now),
      claimId,
    );
    if (result.status === 'sent') sent++;
  }
  return { sent, overdue: overdue.length };
}
