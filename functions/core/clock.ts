import type { WorkingCalendar } from './calendar.ts';
import { type Instant, MINUTE_MS } from './instant.ts';

/**
 * The dossier clock: statutory limits, deadlines and the ledger that keeps a dossier's (or a step's)
 * time as budget, consumption and pauses. Due instants are always derived from the ledger and the
 * calendar, never stored as truth, so pauses, extensions and calendar changes recompute them.
 */

export type LimitUnit = 'days' | 'hours';
export interface Limit {
  readonly amount: number;
  readonly unit: LimitUnit;
}

/** How a supplement request (yêu cầu bổ sung hồ sơ) affects the clock. */
export type SupplementMode = 'pause' | 'restart';

export class InvalidLimitError extends Error {
  override readonly name = 'InvalidLimitError';
}

/** A ledger operation that the rules do not allow (resume without pause, pause out of order…). */
export class ClockRuleError extends Error {
  override readonly name = 'ClockRuleError';
}

const LIMIT = /^\s*(\d+)\s+working\s+(day|days|hour|hours)\s*$/;

/** "5 working days" | "8 working hours" (a positive whole number). */
export function parseLimit(text: string): Limit {
  const m = LIMIT.exec(text);
  if (!m) {
    throw new InvalidLimitError(`"${text}" is not "<N> working days" or "<N> working hours"`);
  }
  const amount = Number(m[1]);
  const units = m[2]?.startsWith('day') ? 'days' : 'hours';
  if (amount <= 0) throw new InvalidLimitError(`"${text}": the number of working ${units} must be at least 1`);
  // Past 2^53 the number itself is no longer exact, let alone a day any working calendar holds.
  if (!Number.isSafeInteger(amount))
    throw new InvalidLimitError(`"${text}": the number of working ${units} is too large for the working calendar`);
  return { amount, unit: m[2]!.startsWith('day') ? 'days' : 'hours' };
}

export function formatLimit(limit: Limit): string {
  const unit = limit.unit === 'days' ? 'day' : 'hour';
  return `${limit.amount} working ${unit}${limit.amount === 1 ? '' : 's'}`;
}

/**
 * The due instant of a limit counted from a receipt. The hot path: no allocation.
 * Effective receipt: a receipt outside working windows (evening, lunch, weekend, holiday) counts
 * from the next working instant (docs/law.md §3). Days: Civil Code Art. 147-148, counting starts the
 * working day after the effective receipt day and ends at the close of the Nth working day.
 * Hours: consumed inside working windows from the effective receipt.
 */
export function computeDueAt(calendar: WorkingCalendar, receivedAt: Instant, limit: Limit): Instant {
  const effective = calendar.nextWorkingInstant(receivedAt);
  return limit.unit === 'days'
    ? calendar.closeOfNthWorkingDayAfter(effective, limit.amount)
    : calendar.addWorkingMinutes(effective, limit.amount * 60);
}

/**
 * The limit that ends at an appointment, counted from a receipt: whole working days when the
 * appointment is the close of a working day (docs/law.md §3), else the working hours up to it, rounded
 * up. For a procedure dunghan has no catalogue entry for, the feed's appointment is all it knows.
 * An appointment outside working hours counts from the last working instant before it. Null when the
 * appointment is not after the effective receipt.
 */
export function limitEndingAt(calendar: WorkingCalendar, receivedAt: Instant, appointmentAt: Instant): Limit | null {
  const effective = calendar.nextWorkingInstant(receivedAt);
  const due = calendar.instantAtWorked(calendar.workedBefore(appointmentAt));
  const minutes = calendar.workingMinutesBetween(effective, due);
  if (minutes <= 0) return null;
  for (let n = 1; n <= 366; n++) {
    const close = calendar.closeOfNthWorkingDayAfter(effective, n);
    if (close === due) return { amount: n, unit: 'days' };
    if (close > due) break;
  }
  return { amount: Math.ceil(minutes / 60), unit: 'hours' };
}

/** The working-minute budget a limit grants from an (effective) start instant. */
export function budgetMinutesFor(calendar: WorkingCalendar, startAt: Instant, limit: Limit): number {
  const effective = calendar.nextWorkingInstant(startAt);
  return calendar.workingMinutesBetween(effective, computeDueAt(calendar, effective, limit));
}

export interface Pause {
  readonly from: Instant;
  /** null while the supplement is still awaited. */
  readonly to: Instant | null;
}

export interface Extension {
  readonly at: Instant;
  /** Working minutes added to the budget so that the due instant became the new appointment. */
  readonly minutes: number;
}

/** A clock as data: what is stored for a dossier or a step. */
export interface ClockLedger {
  readonly limit: Limit;
  readonly mode: SupplementMode;
  readonly receivedAt: Instant;
  /** Fixed at receipt from the limit (restart mode re-derives it at each supplement's arrival). */
  readonly budgetMinutes: number;
  readonly pauses: readonly Pause[];
  readonly extensions: readonly Extension[];
}

/** What a ledger means at an instant, derived with the current calendar. */
export interface ClockState {
  readonly effectiveReceivedAt: Instant;
  /** Due without pauses or extensions: the appointment date at receipt under the current calendar. */
  readonly originalDueAt: Instant;
  /** The current derived due instant; null while paused (it depends on when the clock resumes). */
  readonly dueAt: Instant | null;
  /** The budget of the current run, extensions included. */
  readonly budgetMinutes: number;
  readonly consumedMinutes: number;
  /** Budget left at `now`; negative when overdue. */
  readonly remainingMinutes: number;
  /** Working minutes paused before the clock ran out (the pauses that moved the due instant). */
  readonly pausedMinutes: number;
  readonly paused: boolean;
  /** Start of the current running segment; null while paused. */
  readonly runningSince: Instant | null;
}

export function openClock(
  calendar: WorkingCalendar,
  receipt: { receivedAt: Instant; limit: Limit; mode?: SupplementMode },
): ClockLedger {
  return {
    limit: receipt.limit,
    mode: receipt.mode ?? 'pause',
    receivedAt: receipt.receivedAt,
    budgetMinutes: budgetMinutesFor(calendar, receipt.receivedAt, receipt.limit),
    pauses: [],
    extensions: [],
  };
}

/** A supplement is requested: the clock stops at `at`. */
export function pauseClock(ledger: ClockLedger, at: Instant): ClockLedger {
  const last = ledger.pauses[ledger.pauses.length - 1];
  if (last && last.to === null) throw new ClockRuleError('the clock is already paused');
  const after = last?.to ?? ledger.receivedAt;
  if (at < after) {
    throw new ClockRuleError(`a pause cannot start before ${last ? 'the previous pause ended' : 'the receipt'}`);
  }
  return { ...ledger, pauses: [...ledger.pauses, { from: at, to: null }] };
}

/** The supplement arrives: the clock runs again from `at` (restart mode: with its full budget). */
export function resumeClock(ledger: ClockLedger, at: Instant): ClockLedger {
  const last = ledger.pauses[ledger.pauses.length - 1];
  if (!last || last.to !== null) throw new ClockRuleError('the clock is not paused');
  if (at < last.from) throw new ClockRuleError('a pause cannot end before it starts');
  return { ...ledger, pauses: [...ledger.pauses.slice(0, -1), { from: last.from, to: at }] };
}

/**
 * A new appointment date (hẹn lại): the budget grows by the working time between the current due
 * instant and the new one, so later pauses and calendar changes still move it. How many
 * reschedules are allowed is the policy's business (docs/law.md §2: one).
 */
export function extendClock(
  calendar: WorkingCalendar,
  ledger: ClockLedger,
  at: Instant,
  newDueAt: Instant,
): ClockLedger {
  const { dueAt } = deriveClock(calendar, ledger, at);
  if (dueAt === null) throw new ClockRuleError('a paused clock cannot be rescheduled');
  const minutes = calendar.workingMinutesBetween(dueAt, newDueAt);
  if (minutes <= 0)
    throw new ClockRuleError('the new appointment must be later, in working time, than the current due instant');
  return { ...ledger, extensions: [...ledger.extensions, { at, minutes }] };
}

/**
 * The clock at `now` (default: after every recorded event). Walks the running segments between
 * pauses: the due instant is where consumption reaches the budget; a pause that starts after that
 * does not move it.
 */
export function deriveClock(calendar: WorkingCalendar, ledger: ClockLedger, now: Instant = Infinity): ClockState {
  const W = (t: Instant) => calendar.workedBefore(t);
  const effective = calendar.nextWorkingInstant(ledger.receivedAt);
  const originalDueAt = calendar.instantAtWorked(W(effective) + ledger.budgetMinutes * MINUTE_MS);
  const extensionMs = (since: Instant) =>
    ledger.extensions.reduce((sum, e) => (e.at >= since && e.at <= now ? sum + e.minutes * MINUTE_MS : sum), 0);

  let budgetMs = ledger.budgetMinutes * MINUTE_MS + extensionMs(ledger.receivedAt);
  let runStart = effective;
  let consumedMs = 0;
  let pausedMs = 0;
  let pausedNow = false;
  let ranOutAt: Instant | null = null;

  for (const p of ledger.pauses) {
    if (p.from >= now) break;
    const wFrom = W(p.from);
    const segment = Math.max(0, wFrom - W(runStart));
    if (consumedMs + segment >= budgetMs) {
      ranOutAt = calendar.instantAtWorked(W(runStart) + budgetMs - consumedMs);
      break;
    }
    consumedMs += segment;
    if (p.to === null || p.to > now) {
      pausedNow = true;
      if (Number.isFinite(now)) pausedMs += W(now) - wFrom;
      break;
    }
    pausedMs += W(p.to) - wFrom;
    runStart = p.to;
    if (ledger.mode === 'restart') {
      // The full budget restarts at the supplement's arrival, as if received then.
      budgetMs = budgetMinutesFor(calendar, p.to, ledger.limit) * MINUTE_MS + extensionMs(p.to);
      consumedMs = 0;
    }
  }

  let dueAt: Instant | null;
  let consumedNow: number;
  if (ranOutAt !== null) {
    dueAt = ranOutAt;
    // Consumption keeps counting past the due instant until the next pause or now.
    const until = Math.min(now, nextPauseAfter(ledger, ranOutAt));
    consumedNow = Number.isFinite(until) ? consumedMs + Math.max(0, W(until) - W(runStart)) : budgetMs;
  } else if (pausedNow) {
    dueAt = null;
    consumedNow = consumedMs;
  } else {
    dueAt = calendar.instantAtWorked(W(runStart) + budgetMs - consumedMs);
    consumedNow = consumedMs + (Number.isFinite(now) ? Math.max(0, W(now) - W(runStart)) : budgetMs - consumedMs);
  }
  return {
    effectiveReceivedAt: effective,
    originalDueAt,
    dueAt,
    budgetMinutes: budgetMs / MINUTE_MS,
    consumedMinutes: consumedNow / MINUTE_MS,
    remainingMinutes: (budgetMs - consumedNow) / MINUTE_MS,
    pausedMinutes: pausedMs / MINUTE_MS,
    paused: pausedNow,
    runningSince: pausedNow ? null : runStart,
  };
}

function nextPauseAfter(ledger: ClockLedger, t: Instant): Instant {
  for (const p of ledger.pauses) if (p.from >= t) return p.from;
  return Infinity;
}
