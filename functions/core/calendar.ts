import type { HolidayYear, ProvinceCalendar, Timetable } from '../schemas/calendar.ts';
import {
  type DayNumber,
  dayFromIsoDate,
  dayOf,
  type Instant,
  isoDateOf,
  MINUTE_MS,
  startOfDay,
  weekdayOf,
  yearOf,
} from './instant.ts';

/**
 * The working calendar of one province: which instants are working time.
 *
 * Built once from the holiday years and the province's timetables, it precomputes per local day the
 * working windows, the cumulative working time before the day and the ordinal of working days, so
 * that "working time between", "add working time" and "the Nth working day after" are O(1) or
 * O(log n) (one binary search), never day-by-day loops.
 */

/** [start, end) of a working window, in ms after local midnight. */
type Window = readonly [number, number];

const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A computation needs days for which no holiday data exists. */
export class CalendarRangeError extends Error {
  override readonly name = 'CalendarRangeError';
}

export interface CalendarDay {
  date: string;
  working: boolean;
  /** Working windows as local "HH:MM-HH:MM". */
  windows: string[];
  /** Why the day is off or worked out of the ordinary, when it is. */
  reason?: string;
}

export class WorkingCalendar {
  readonly provinceId: string;
  readonly firstYear: number;
  readonly lastYear: number;
  /** Years in the range whose data is provisional (derived from rules, not an official schedule). */
  readonly provisionalYears: readonly number[];

  private readonly firstDay: DayNumber;
  private readonly dayCount: number;
  private readonly windows: readonly (readonly Window[])[];
  /** cum[i] = working ms before day i (length dayCount + 1). */
  private readonly cum: Float64Array;
  /** Day indexes of working days, ascending. */
  private readonly workDays: Int32Array;
  /** nextWork[i] = ordinal (in workDays) of the first working day at index >= i. */
  private readonly nextWork: Int32Array;
  private readonly reasons: ReadonlyMap<number, string>;

  constructor(province: ProvinceCalendar, holidayYears: readonly HolidayYear[]) {
    if (holidayYears.length === 0) throw new CalendarRangeError('no holiday years given');
    const years = [...holidayYears].sort((a, b) => a.year - b.year);
    years.forEach((y, i) => {
      const prev = years[i - 1];
      if (prev && y.year !== prev.year + 1) {
        throw new CalendarRangeError(`holiday data must be contiguous: ${prev.year} then ${y.year}`);
      }
    });
    this.provinceId = province.id;
    this.firstYear = years[0]!.year;
    this.lastYear = years[years.length - 1]!.year;
    this.provisionalYears = years.filter((y) => y.status === 'provisional').map((y) => y.year);
    this.firstDay = dayFromIsoDate(`${this.firstYear}-01-01`);
    this.dayCount = dayFromIsoDate(`${this.lastYear + 1}-01-01`) - this.firstDay;

    const off = new Map<number, string>();
    const makeUp = new Map<number, { replaces: DayNumber; name: string }>();
    for (const y of years) {
      for (const d of y.daysOff) off.set(dayFromIsoDate(d.date) - this.firstDay, d.name);
      for (const d of y.makeUpDays) {
        makeUp.set(dayFromIsoDate(d.date) - this.firstDay, { replaces: dayFromIsoDate(d.replaces), name: d.name });
      }
    }

    const windows: (readonly Window[])[] = [];
    const cum = new Float64Array(this.dayCount + 1);
    const workDays: number[] = [];
    const reasons = new Map<number, string>();
    for (let i = 0; i < this.dayCount; i++) {
      const day = this.firstDay + i;
      const special = makeUp.get(i);
      let ws = windowsOf(province, day, weekdayOf(day));
      if (special) {
        // A make-up day (ngày làm bù) works the hours of the weekday it replaces.
        ws = windowsOf(province, day, weekdayOf(special.replaces));
        reasons.set(i, special.name);
      } else if (off.has(i)) {
        ws = [];
        reasons.set(i, off.get(i)!);
      }
      windows.push(ws);
      let work = 0;
      for (const [s, e] of ws) work += e - s;
      cum[i + 1] = cum[i]! + work;
      if (work > 0) workDays.push(i);
    }
    const nextWork = new Int32Array(this.dayCount + 1);
    nextWork[this.dayCount] = workDays.length;
    for (let i = this.dayCount - 1, k = workDays.length; i >= 0; i--) {
      if (k > 0 && workDays[k - 1] === i) k--;
      nextWork[i] = k;
    }
    this.windows = windows;
    this.cum = cum;
    this.workDays = Int32Array.from(workDays);
    this.nextWork = nextWork;
    this.reasons = reasons;
  }

  /** True when t falls on a day the calendar has data for. */
  covers(t: Instant): boolean {
    const i = dayOf(t) - this.firstDay;
    return i >= 0 && i < this.dayCount;
  }

  /** True when t lies inside a working window. */
  isWorkingInstant(t: Instant): boolean {
    const i = this.index(t);
    const off = t - startOfDay(this.firstDay + i);
    for (const [s, e] of this.windows[i]!) if (off >= s && off < e) return true;
    return false;
  }

  /** t itself when it is working time, else the start of the next working window. */
  nextWorkingInstant(t: Instant): Instant {
    const i = this.index(t);
    const dayStart = startOfDay(this.firstDay + i);
    const off = t - dayStart;
    for (const [s, e] of this.windows[i]!) if (off < e) return dayStart + Math.max(off, s);
    const d = this.workDayAt(this.nextWork[i + 1]!);
    return startOfDay(this.firstDay + d) + this.windows[d]![0]![0];
  }

  /** Working ms elapsed from the start of the calendar until t (the calendar's odometer). */
  workedBefore(t: Instant): number {
    const i = this.index(t);
    const off = t - startOfDay(this.firstDay + i);
    let w = this.cum[i]!;
    for (const [s, e] of this.windows[i]!) {
      if (off <= s) break;
      w += Math.min(off, e) - s;
    }
    return w;
  }

  /**
   * The earliest instant at which the odometer reads w. A reading reached exactly at the close of a
   * window gives that close (17:00 today, not 07:00 on the next working day).
   */
  instantAtWorked(w: number): Instant {
    const cum = this.cum;
    if (!(w >= 0 && w <= cum[this.dayCount]!)) throw this.beyondData();
    // Smallest i with cum[i + 1] >= w.
    let lo = 0;
    let hi = this.dayCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid + 1]! >= w) hi = mid;
      else lo = mid + 1;
    }
    let rest = w - cum[lo]!;
    const ws = this.windows[lo]!;
    const dayStart = startOfDay(this.firstDay + lo);
    for (const [s, e] of ws) {
      if (rest <= e - s) return dayStart + s + rest;
      rest -= e - s;
    }
    // Only reachable for w = 0 on a calendar whose first day has no work.
    return dayStart;
  }

  /** The instant `minutes` of working time after t (counted from t's next working instant). */
  addWorkingMinutes(t: Instant, minutes: number): Instant {
    return this.instantAtWorked(this.workedBefore(t) + minutes * MINUTE_MS);
  }

  /** Working minutes in [a, b); negative when b is before a. */
  workingMinutesBetween(a: Instant, b: Instant): number {
    return (this.workedBefore(b) - this.workedBefore(a)) / MINUTE_MS;
  }

  /**
   * The close of the last window of the nth working day after the day of t (n >= 1).
   * Civil Code Art. 147-148: a limit in days starts the day after the event and ends at the close
   * of working hours of its last day, which is always a working day here.
   */
  closeOfNthWorkingDayAfter(t: Instant, n: number): Instant {
    const i = this.index(t);
    const d = this.workDayAt(this.nextWork[i + 1]! + n - 1);
    const ws = this.windows[d]!;
    return startOfDay(this.firstDay + d) + ws[ws.length - 1]![1];
  }

  /** The close of the working day that holds t (a t at a close is its own day's), or of the next one. */
  closeOfWorkingDay(t: Instant): Instant {
    const i = this.index(t - 1);
    const ws = this.windows[i]!;
    const close = ws.length ? startOfDay(this.firstDay + i) + ws[ws.length - 1]![1] : -Infinity;
    if (close >= t) return close;
    const d = this.workDayAt(this.nextWork[i + 1]!);
    const next = this.windows[d]!;
    return startOfDay(this.firstDay + d) + next[next.length - 1]![1];
  }

  /** The opening of the nth working day before the working day that holds t (a close is its own day's). */
  openingOfWorkingDayBefore(t: Instant, n: number): Instant {
    const i = this.index(t - 1);
    const d = this.workDays[this.nextWork[i]! - n];
    if (d === undefined || n < 0)
      throw new CalendarRangeError(
        `no working day ${n} before ${isoDateOf(dayOf(t))} in the working calendar data (${this.coverage()})`,
      );
    return startOfDay(this.firstDay + d) + this.windows[d]![0]![0];
  }

  /** The calendar of one local date, for people (CLI, reports). */
  describeDay(date: string): CalendarDay {
    const i = this.index(startOfDay(dayFromIsoDate(date)));
    const ws = this.windows[i]!;
    const reason = this.reasons.get(i);
    return {
      date,
      working: ws.length > 0,
      windows: ws.map(([s, e]) => `${hhmm(s)}-${hhmm(e)}`),
      ...(reason === undefined ? {} : { reason }),
    };
  }

  /** "2025–2027 (2027 provisional)". */
  coverage(): string {
    const prov = this.provisionalYears.length ? ` (${this.provisionalYears.join(', ')} provisional)` : '';
    return `${this.firstYear}–${this.lastYear}${prov}`;
  }

  private index(t: Instant): number {
    const i = dayOf(t) - this.firstDay;
    if (!(i >= 0 && i < this.dayCount)) {
      const year = Number.isFinite(t) ? yearOf(dayOf(t)) : NaN;
      throw new CalendarRangeError(`no working calendar for ${year}; the data covers ${this.coverage()}`);
    }
    return i;
  }

  private workDayAt(ordinal: number): number {
    const d = this.workDays[ordinal];
    if (d === undefined) throw this.beyondData();
    return d;
  }

  private beyondData(): CalendarRangeError {
    return new CalendarRangeError(
      `the date falls after ${this.lastYear}-12-31, beyond the working calendar data (${this.coverage()})`,
    );
  }
}

function windowsOf(province: ProvinceCalendar, day: DayNumber, weekday: number): readonly Window[] {
  const tt = timetableFor(province.timetables, isoDateOf(day).slice(5));
  if (!tt) {
    throw new CalendarRangeError(`province ${province.id} has no timetable for ${isoDateOf(day)}`);
  }
  return tt.week[WEEKDAY_KEYS[weekday - 1]!].map(([s, e]) => [s * MINUTE_MS, e * MINUTE_MS] as const);
}

function timetableFor(timetables: readonly Timetable[], monthDay: string): Timetable | undefined {
  return timetables.find((t) =>
    t.from <= t.to ? monthDay >= t.from && monthDay <= t.to : monthDay >= t.from || monthDay <= t.to,
  );
}

function hhmm(ms: number): string {
  const m = Math.round(ms / MINUTE_MS);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
