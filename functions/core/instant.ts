/**
 * Instants and local dates in Vietnam's civil time.
 *
 * Asia/Ho_Chi_Minh is UTC+07:00 all year (no daylight saving since 1975), so local time is plain
 * arithmetic on epoch milliseconds; no time-zone database is needed on the hot path.
 * An instant is epoch milliseconds (UTC). A day number counts local days since 1970-01-01.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** Asia/Ho_Chi_Minh offset from UTC. */
export const VN_OFFSET_MS = 7 * HOUR_MS;

/** Epoch milliseconds (UTC). */
export type Instant = number;
/** Local (UTC+07:00) days since 1970-01-01. */
export type DayNumber = number;

export class InvalidInstantError extends Error {
  override readonly name = 'InvalidInstantError';
}

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses ISO-8601 with an explicit offset ("2026-02-12T14:00:00+07:00", "…Z"). A time without an
 * offset is ambiguous for a deadline and is refused, as are impossible dates (2026-02-30).
 */
export function parseInstant(text: string): Instant {
  const m = ISO_WITH_OFFSET.exec(text);
  if (!m) {
    throw new InvalidInstantError(
      `"${clip(text)}" is not an ISO-8601 instant with an offset (e.g. 2026-02-12T14:00:00+07:00)`,
    );
  }
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  if (month < 1 || month > 12) throw new InvalidInstantError(`"${clip(text)}" has month ${month}`);
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new InvalidInstantError(`"${clip(text)}" has day ${day}, not in ${year}-${pad2(month)}`);
  }
  if (hour > 23 || minute > 59 || second > 59) {
    throw new InvalidInstantError(`"${clip(text)}" has an impossible time of day`);
  }
  let offsetMs = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 14 || om > 59) throw new InvalidInstantError(`"${clip(text)}" has an impossible offset`);
    offsetMs = (m[9] === '-' ? -1 : 1) * (oh * HOUR_MS + om * MINUTE_MS);
  }
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear takes the year as written.
  const utc = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  return utc.setUTCFullYear(year) - offsetMs;
}

/**
 * Parses the national portal's instant: `yyyyMMddHHmmss`, local time in Asia/Ho_Chi_Minh, no offset
 * (docs/law.md §7). The portal's form is always local, so the offset is known: +07:00.
 */
export function parseLocalCompact(text: string): Instant {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) {
    throw new InvalidInstantError(
      `"${clip(text)}" is not a yyyyMMddHHmmss instant (14 digits, local time in Asia/Ho_Chi_Minh)`,
    );
  }
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) throw new InvalidInstantError(`"${text}" has month ${month}`);
  if (day < 1 || day > daysInMonth(year, month))
    throw new InvalidInstantError(`"${text}" has day ${day}, not in ${year}-${pad2(month)}`);
  if (hour > 23 || minute > 59 || second > 59) throw new InvalidInstantError(`"${text}" has an impossible time of day`);
  const utc = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  return utc.setUTCFullYear(year) - VN_OFFSET_MS;
}

/** An instant in the portal's form, `yyyyMMddHHmmss` local time (seconds truncated from milliseconds). */
export function formatLocalCompact(t: Instant): string {
  const d = new Date(t + VN_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}` +
    `${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`
  );
}

/** Formats an instant as ISO-8601 at +07:00, e.g. "2026-02-26T17:00:00+07:00". */
export function formatInstant(t: Instant): string {
  const d = new Date(t + VN_OFFSET_MS);
  const ms = d.getUTCMilliseconds();
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` +
    `T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}` +
    (ms ? `.${String(ms).padStart(3, '0')}` : '') +
    '+07:00'
  );
}

/** The local day an instant falls on. */
export function dayOf(t: Instant): DayNumber {
  return Math.floor((t + VN_OFFSET_MS) / DAY_MS);
}

/** The instant of local midnight that starts a day. */
export function startOfDay(day: DayNumber): Instant {
  return day * DAY_MS - VN_OFFSET_MS;
}

/** "2026-02-17" to its day number; the string must be a real calendar date. */
export function dayFromIsoDate(date: string): DayNumber {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  if (!m || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) {
    throw new InvalidInstantError(`"${clip(date)}" is not a calendar date YYYY-MM-DD`);
  }
  return Date.UTC(y, mo - 1, d) / DAY_MS;
}

/** A day number as "YYYY-MM-DD". */
export function isoDateOf(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday. */
export function weekdayOf(day: DayNumber): number {
  // 1970-01-01 was a Thursday (4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The Gregorian year of a day number. */
export function yearOf(day: DayNumber): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
