import type { DossierState } from '../../core/dossier.ts';
import { formatInstant, type Instant } from '../../core/instant.ts';
import { noticeId } from '../../core/policy.ts';
import type { DossierEvent } from '../../schemas/events.ts';
import type { NoticeRecord } from '../../schemas/records.ts';
import { cachedUnit } from '../dossiers.ts';
import type { Deps } from '../ports.ts';

/**
 * A second (or later) supplement request is an alarm, not a routine (docs/law.md §2 and §5): letters 000
 * and 004 forbid making citizens, above all the elderly, disabled and people with merit, come back again
 * and again, and the national portal counts a dossier with more than one supplement request as late.
 * The head of the unit that asked is told at once (SMS and topic, by the policy's channels); for a
 * priority citizen, the level above too. Each alarm has a deterministic id: the request's ordinal and
 * the rung, so that a duplicate or out-of-order delivery writes nothing new.
 */

/** The supplement requests the fold applied, in the dossier's order. */
export function supplementRequests(state: DossierState, events: readonly DossierEvent[]) {
  const applied = new Set(state.applied);
  return events
    .filter((e) => e.type === 'supplement.requested' && applied.has(e.eventId))
    .sort((a, b) => a.at - b.at || a.eventId.localeCompare(b.eventId)) as Extract<
    DossierEvent,
    { type: 'supplement.requested' }
  >[];
}

/** The ordinal of the request an alarm is about, from its id (`<dossier>/supplement.alarm/s<n>-r<rung>/v0`). */
export const alarmOrdinal = (id: string) => Number(/\/s(\d+)-r\d+\//.exec(id)?.[1] ?? 2);

/**
 * Writes the alarms that the dossier's second and later requests owe (written once); the ids of those
 * still pending, for the workflow to send.
 */
export async function supplementAlarms(
  deps: Deps,
  state: DossierState,
  events: readonly DossierEvent[],
  holderAt: (at: Instant) => string | null,
): Promise<string[]> {
  const requests = supplementRequests(state, events);
  const pending: string[] = [];
  for (const [i, request] of requests.entries()) {
    if (i === 0) continue;
    const asking = request.unitId ?? holderAt(request.at);
    if (asking === null) continue;
    const recipients = [asking];
    if (state.priority !== null) {
      const parent = (await cachedUnit(deps, asking))?.parentUnitId ?? deps.policy.provincialOfficeUnitId ?? null;
      if (parent !== null && parent !== asking) recipients.push(parent);
    }
    for (const [r, unitId] of recipients.entries()) {
      const now = deps.now();
      const record: NoticeRecord = {
        noticeId: noticeId(state.dossierId, 'supplement.alarm', `s${i + 1}-r${r + 1}`, 0),
        dossierId: state.dossierId,
        kind: 'supplement.alarm',
        rung: r + 1,
        stepId: null,
        unitId,
        subjectUnitId: asking,
        audience: 'head',
        dueAt: formatInstant(request.at),
        sendAfter: formatInstant(deps.calendar.nextWorkingInstant(Math.max(request.at, now))),
        version: 0,
        createdAt: formatInstant(now),
        status: 'pending',
      };
      if (await deps.store.notices.put(record)) pending.push(record.noticeId);
      else {
        const existing = await deps.store.notices.get(state.dossierId, record.noticeId);
        if (existing?.status === 'pending') pending.push(record.noticeId);
      }
    }
  }
  return pending;
}
