import { DAY_MS, dayOf, formatInstant, type Instant, isoDateOf, MINUTE_MS, startOfDay } from '../../core/instant.ts';
import { composeNotice } from '../../core/messages.ts';
import { encodeSms } from '../../core/sms.ts';
import type { PolicySettings } from '../../schemas/policy.ts';
import type { NoticeRecord } from '../../schemas/records.ts';
import { cachedUnit } from '../dossiers.ts';
import type { Deps } from '../ports.ts';
import { CLAIM_LEASE_MS } from '../timing.ts';
import { digestId, nextDigestDay, takeSlot } from './folding.ts';
import { claim, claimable, sendAndSettle } from './sender.ts';

/**
 * Escalations of one rung to the same head within a window (`batchMinutes`, default 15) go out as one
 * SMS listing the dossier codes: at the window opening of a morning, every deferred escalation to a
 * head would otherwise arrive at once, one SMS each. A batch is a notice of its own (partition
 * `BATCH-<day>`, id `batch/<unit>/r<rung>/<day>T<window>`), pending until its window closes; the sweeper sends
 * it. Members join while it is pending; once claimed, a late member joins the next window's batch.
 */

export const BATCH_PARTITION = 'BATCH-';
const member = (n: Pick<NoticeRecord, 'dossierId' | 'noticeId'>) => `${n.dossierId}|${n.noticeId}`;

/**
 * Joins the escalation to its batch; the batch's id. A notice taken over from a sender that died (its claim
 * gone stale) may be in a batch already: that sender, or one before it, joined one and died before recording
 * it. Each window's batch since the notice's opening (the last day at most) is looked at first, so that the
 * notice is in one batch only.
 */
export async function joinBatch(deps: Deps, notice: NoticeRecord, now: Instant, settings: PolicySettings) {
  const windowMs = settings.batchMinutes * MINUTE_MS;
  const windowOf = (t: Instant) => t - ((t - startOfDay(dayOf(t))) % windowMs);
  const batchKey = (start: Instant) => {
    const day = isoDateOf(dayOf(start));
    const hhmm = formatInstant(start).slice(11, 16).replace(':', '');
    return { dossierId: `${BATCH_PARTITION}${day}`, noticeId: `batch/${notice.unitId}/r${notice.rung}/${day}T${hhmm}` };
  };
  if (notice.status === 'sending') {
    const opened = Math.max(Date.parse(notice.sendAfter), now - DAY_MS);
    for (let start = windowOf(opened); start <= now; start += windowMs) {
      const k = batchKey(start);
      if ((await deps.store.notices.get(k.dossierId, k.noticeId))?.members?.includes(member(notice))) return k.noticeId;
    }
  }
  for (let start = windowOf(now); ; start += windowMs) {
    const sendAfter = deps.calendar.nextWorkingInstant(start + windowMs);
    const batch: NoticeRecord = {
      ...batchKey(start),
      kind: 'head.escalation',
      rung: notice.rung,
      stepId: null,
      unitId: notice.unitId,
      subjectUnitId: notice.unitId,
      audience: 'head',
      dueAt: formatInstant(start + windowMs),
      sendAfter: formatInstant(sendAfter),
      version: 0,
      createdAt: formatInstant(now),
      status: 'pending',
    };
    if ((await deps.store.notices.join(batch, member(notice))) === 'joined') return batch.noticeId;
    // Claimed already: it holds this notice when a sender that died after joining left it there.
    const existing = await deps.store.notices.get(batch.dossierId, batch.noticeId);
    if (existing?.members?.includes(member(notice))) return batch.noticeId;
  }
}

/** Sends the batches whose window has closed (the sweeper, every 15 minutes). */
export async function sendDueBatches(deps: Deps, pending: NoticeRecord[]): Promise<number> {
  const now = deps.now();
  let sent = 0;
  for (const batch of pending) {
    if (!batch.dossierId.startsWith(BATCH_PARTITION) || Date.parse(batch.sendAfter) > now) continue;
    if (!claimable(batch, formatInstant(now - CLAIM_LEASE_MS))) continue;
    const claimId = await claim(deps, batch, now);
    if (claimId === null) continue;
    const fresh = (await deps.store.notices.get(batch.dossierId, batch.noticeId)) ?? batch;
    // Members whose dossier was resolved within the window are left out: nothing is said about it.
    const members: NoticeRecord[] = [];
    for (const m of fresh.members ?? []) {
      const [dossierId, noticeId] = m.split('|') as [string, string];
      const [n, meta] = await Promise.all([
        deps.store.notices.get(dossierId, noticeId),
        deps.store.dossiers.get(dossierId),
      ]);
      if (n && meta?.open) members.push(n);
    }
    const at = formatInstant(now);
    const settings = deps.policy.defaults;
    if (members.length === 0) {
      await deps.store.notices.settle(
        batch.dossierId,
        batch.noticeId,
        { status: 'cancelled', at, reason: 'every dossier of the batch was resolved' },
        claimId,
      );
      continue;
    }
    const unit = await cachedUnit(deps, batch.unitId);
    const bySubject = new Map<string, string[]>();
    for (const n of members) bySubject.set(n.subjectUnitId, [...(bySubject.get(n.subjectUnitId) ?? []), n.dossierId]);
    const groups = [];
    for (const [subject, ids] of bySubject)
      groups.push({ unitName: (await cachedUnit(deps, subject))?.name ?? 'đơn vị', dossierIds: ids.sort() });
    const first = members[0]!;
    // One member: its own text, as composed when it joined (the dossier's procedure, due and late unit).
    const message =
      members.length === 1 && first.text
        ? encodeSms(first.text, settings.encoding)
        : composeNotice(
            'head.escalation',
            {
              brand: settings.brand,
              dossierId: first.dossierId,
              procedureName: '',
              unitName: unit?.name ?? 'đơn vị',
              subjectUnitName: groups[0]!.unitName,
              dueAt: null,
              rung: batch.rung,
              stepName: null,
              batch: { count: members.length, bySubject: groups },
            },
            settings,
          );
    if (!(await takeSlot(deps, batch.unitId, batch.noticeId, now, settings.smsCapPerDay))) {
      const day = nextDigestDay(deps.calendar, now, settings);
      await deps.store.notices.settle(
        batch.dossierId,
        batch.noticeId,
        {
          status: 'folded',
          at,
          text: message.text,
          encoding: message.encoding,
          reason: `past the daily cap of ${settings.smsCapPerDay} SMS to the head of ${batch.unitId}`,
          channels: ['digest'],
          digest: { id: digestId(batch.unitId, day), day, unitId: batch.unitId },
        },
        claimId,
      );
      continue;
    }
    const result = await sendAndSettle(deps, fresh, { unit, unitId: batch.unitId }, message, at, claimId);
    if (result.status === 'sent') sent++;
  }
  return sent;
}
