import { describe, expect, it } from 'vitest';
import { dayFromIsoDate, formatInstant, isoDateOf, parseInstant, weekdayOf } from '../../functions/core/instant.ts';

describe('instants at +07:00', () => {
  it('parses any offset and formats at +07:00', () => {
    expect(formatInstant(parseInstant('2026-02-12T07:00:00Z'))).toBe('2026-02-12T14:00:00+07:00');
    expect(formatInstant(parseInstant('2026-02-12T14:00+07:00'))).toBe('2026-02-12T14:00:00+07:00');
    expect(formatInstant(parseInstant('2026-02-12T02:00:00.250-05:00'))).toBe('2026-02-12T14:00:00.250+07:00');
  });

  it('takes a year as written, 0050 included (Date.UTC would read it as 1950)', () => {
    expect(new Date(parseInstant('0050-06-01T00:00:00Z')).getUTCFullYear()).toBe(50);
  });

  it.each([
    ['2026-02-12T14:00:00', 'with an offset'],
    ['2026-02-30T14:00:00+07:00', 'day 30'],
    ['2026-13-01T14:00:00+07:00', 'month 13'],
    ['2026-02-12T24:30:00+07:00', 'impossible time'],
    ['2026-02-12T14:00:00+15:00', 'impossible offset'],
    ['yesterday', 'with an offset'],
  ])('refuses %s', (text, reason) => {
    expect(() => parseInstant(text)).toThrow(reason);
  });

  it('knows weekdays and dates', () => {
    expect(weekdayOf(dayFromIsoDate('2026-02-17'))).toBe(2); // Tuesday, mùng 1 Tết Bính Ngọ
    expect(weekdayOf(dayFromIsoDate('2026-01-10'))).toBe(6);
    expect(isoDateOf(dayFromIsoDate('2024-02-29'))).toBe('2024-02-29');
    expect(() => dayFromIsoDate('2025-02-29')).toThrow('calendar date');
  });
});
