import type { WorkingCalendar } from '../../core/calendar.ts';
import { dayOf, type Instant, isoDateOf, MINUTE_MS, startOfDay } from '../../core/instant.ts';
import type { PolicySettings } from '../../schemas/policy.ts';
import type { Deps } from '../ports.ts';

/** Where a notice is folded (the next morning digest) and a head's daily SMS count. */

/** Takes one of a head's SMS of today; `cap` null: counted, never refused (a digest). */
export function takeSlot(
  deps: Deps,
  unitId: string,
  noticeId: string,
  now: Instant,
  cap: number | null,
): Promise<boolean> {
  return deps.store.notices.takeSmsSlot(unitId, isoDateOf(dayOf(now)), noticeId, cap);
}

export const digestId = (unitId: string, day: string) => `digest/${unitId}/${day}`;

/**
 * The day of the next morning digest a notice folded at `now` goes into: today's while it has not run
 * (folded up to a minute before it, so that a write under way as it runs is not missed), else the next
 * working day's.
 */
export function nextDigestDay(calendar: WorkingCalendar, now: Instant, settings: PolicySettings): string {
  const today = dayOf(now);
  const todayAt = startOfDay(today) + settings.digestAt * MINUTE_MS;
  if (calendar.isWorkingInstant(todayAt) && now < todayAt - MINUTE_MS) return isoDateOf(today);
  let day = today + 1;
  while (!calendar.isWorkingInstant(startOfDay(day) + settings.digestAt * MINUTE_MS)) day++;
  return isoDateOf(day);
}
