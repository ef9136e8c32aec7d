import { describe, expect, it } from 'vitest';
import { CalendarRangeError, WorkingCalendar } from '../../functions/core/calendar.ts';
import { computeDueAt, parseLimit } from '../../functions/core/clock.ts';
import { formatInstant } from '../../functions/core/instant.ts';
import { holidayYears } from '../../functions/reference/data.ts';
import { ProvinceCalendarSchema } from '../../functions/schemas/calendar.ts';
import { at, calendar } from '../support/calendar.ts';

const due = (received: string, limit: string, cal: WorkingCalendar = calendar) =>
  formatInstant(computeDueAt(cal, at(received), parseLimit(limit)));

describe('statutory due instants (default windows, official 2026 schedule)', () => {
  it.each([
    // The examples of the contract.
    ['2026-02-12T14:00:00+07:00', '5 working days', '2026-02-26T17:00:00+07:00'], // Tết 14/2-22/2 skipped
    ['2026-01-09T09:00:00+07:00', '1 working day', '2026-01-10T17:00:00+07:00'], // make-up Saturday
    ['2026-03-02T10:00:00+07:00', '8 working hours', '2026-03-03T10:00:00+07:00'],
    // Days: counting starts the working day after receipt, whatever the hour (Civil Code Art. 147).
    ['2026-03-02T07:00:00+07:00', '1 working day', '2026-03-03T17:00:00+07:00'],
    ['2026-03-02T16:59:00+07:00', '1 working day', '2026-03-03T17:00:00+07:00'],
    // Out-of-hours receipt counts from the next working instant (docs/law.md §3).
    ['2026-03-02T17:00:00+07:00', '1 working day', '2026-03-04T17:00:00+07:00'],
    ['2026-03-06T20:00:00+07:00', '1 working day', '2026-03-10T17:00:00+07:00'], // Friday evening
    ['2026-03-07T10:00:00+07:00', '1 working day', '2026-03-10T17:00:00+07:00'], // Saturday
    ['2026-04-29T18:00:00+07:00', '1 working day', '2026-05-05T17:00:00+07:00'], // before 30/4-1/5
    // Hours run inside windows: lunch and nights are skipped; the close of a window is kept.
    ['2026-03-02T11:00:00+07:00', '1 working hours', '2026-03-02T14:00:00+07:00'],
    ['2026-03-02T12:00:00+07:00', '1 working hour', '2026-03-02T14:30:00+07:00'],
    ['2026-03-02T13:30:00+07:00', '8 working hours', '2026-03-03T11:30:00+07:00'],
    ['2026-03-06T16:00:00+07:00', '2 working hours', '2026-03-09T08:00:00+07:00'],
    ['2026-02-13T16:00:00+07:00', '1 working hour', '2026-02-13T17:00:00+07:00'],
    ['2026-02-13T16:30:00+07:00', '1 working hour', '2026-02-23T07:30:00+07:00'], // across Tết
    // Official 2025 schedule: Tết Ất Tỵ and the 30/4 swap with make-up Saturday 26/4.
    ['2025-01-24T09:00:00+07:00', '1 working day', '2025-02-03T17:00:00+07:00'],
    ['2025-04-25T09:00:00+07:00', '1 working day', '2025-04-26T17:00:00+07:00'],
    ['2025-04-29T09:00:00+07:00', '1 working day', '2025-05-05T17:00:00+07:00'],
    // National Day 2026: Mon 31/8 swapped for Saturday 22/8.
    ['2026-08-21T09:00:00+07:00', '1 working day', '2026-08-22T17:00:00+07:00'],
    ['2026-08-28T09:00:00+07:00', '1 working day', '2026-09-03T17:00:00+07:00'],
    // Across the new year into the provisional 2027 calendar.
    ['2026-12-31T09:00:00+07:00', '1 working day', '2027-01-04T17:00:00+07:00'],
  ])('received %s, %s: due %s', (received, limit, expected) => {
    expect(due(received, limit)).toBe(expected);
  });

  it('measures working time between instants', () => {
    expect(calendar.workingMinutesBetween(at('2026-03-02T07:00:00+07:00'), at('2026-03-02T17:00:00+07:00'))).toBe(480);
    expect(calendar.workingMinutesBetween(at('2026-03-02T11:00:00+07:00'), at('2026-03-02T14:00:00+07:00'))).toBe(60);
    expect(calendar.workingMinutesBetween(at('2026-02-13T07:00:00+07:00'), at('2026-02-23T07:00:00+07:00'))).toBe(480);
    expect(calendar.workingMinutesBetween(at('2026-03-03T07:00:00+07:00'), at('2026-03-02T07:00:00+07:00'))).toBe(-480);
  });

  it('finds the next working instant', () => {
    const next = (t: string) => formatInstant(calendar.nextWorkingInstant(at(t)));
    expect(next('2026-03-02T09:15:00+07:00')).toBe('2026-03-02T09:15:00+07:00');
    expect(next('2026-03-02T11:30:00+07:00')).toBe('2026-03-02T13:30:00+07:00');
    expect(next('2026-03-02T06:00:00+07:00')).toBe('2026-03-02T07:00:00+07:00');
    expect(next('2026-02-13T17:00:00+07:00')).toBe('2026-02-23T07:00:00+07:00');
    expect(calendar.isWorkingInstant(at('2026-01-10T08:00:00+07:00'))).toBe(true);
    expect(calendar.isWorkingInstant(at('2026-01-02T08:00:00+07:00'))).toBe(false);
  });

  it('describes a day with its reason', () => {
    expect(calendar.describeDay('2026-01-10')).toEqual({
      date: '2026-01-10',
      working: true,
      windows: ['07:00-11:30', '13:30-17:00'],
      reason: 'Làm bù cho thứ Sáu 02/01',
    });
    expect(calendar.describeDay('2026-02-17')).toMatchObject({
      working: false,
      reason: expect.stringContaining('mùng 1'),
    });
  });

  it('refuses instants and due dates outside the holiday data', () => {
    expect(() => computeDueAt(calendar, at('2030-01-02T09:00:00+07:00'), parseLimit('1 working day'))).toThrow(
      /no working calendar for 2030/,
    );
    expect(() => computeDueAt(calendar, at('2027-12-20T09:00:00+07:00'), parseLimit('30 working days'))).toThrow(
      CalendarRangeError,
    );
    expect(() => calendar.addWorkingMinutes(at('2027-12-31T09:00:00+07:00'), 600)).toThrow(
      'beyond the working calendar data',
    );
  });
});

describe('provincial timetables', () => {
  // A province with summer and winter hours (the winter range wraps the new year) and Saturday mornings.
  const seasonal = ProvinceCalendarSchema.parse({
    id: 'seasonal-example',
    name: 'Summer and winter hours',
    timeZone: 'Asia/Ho_Chi_Minh',
    holidays: 'vn',
    timetables: [
      {
        name: 'summer',
        from: '04-15',
        to: '10-14',
        week: Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [
            d,
            [
              ['07:00', '11:30'],
              ['14:00', '17:30'],
            ],
          ]),
        ),
      },
      {
        name: 'winter',
        from: '10-15',
        to: '04-14',
        week: {
          ...Object.fromEntries(
            ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [
              d,
              [
                ['07:30', '11:30'],
                ['13:00', '17:00'],
              ],
            ]),
          ),
          sat: [['07:30', '11:30']],
        },
      },
    ],
  });
  const cal = new WorkingCalendar(seasonal, holidayYears());

  it('uses the timetable of the season', () => {
    expect(due('2026-06-01T09:00:00+07:00', '1 working day', cal)).toBe('2026-06-02T17:30:00+07:00');
    expect(due('2026-12-01T09:00:00+07:00', '1 working day', cal)).toBe('2026-12-02T17:00:00+07:00');
    // Saturday morning
    expect(due('2026-12-04T09:00:00+07:00', '1 working day', cal)).toBe('2026-12-05T11:30:00+07:00');
    expect(due('2026-06-01T11:00:00+07:00', '1 working hour', cal)).toBe('2026-06-01T14:30:00+07:00');
    expect(cal.describeDay('2026-03-07').windows).toEqual(['07:30-11:30']);
  });

  it('rejects a timetable with overlapping or reversed windows', () => {
    const bad = (week: unknown) =>
      ProvinceCalendarSchema.safeParse({ ...seasonal, timetables: [{ name: 'x', from: '01-01', to: '12-31', week }] });
    expect(bad({ mon: [['11:00', '08:00']] }).error?.issues[0]?.message).toMatch('end after it starts');
    expect(
      bad({
        mon: [
          ['07:00', '12:00'],
          ['11:00', '17:00'],
        ],
      }).error?.issues[0]?.message,
    ).toMatch('must not overlap');
    expect(bad({ mon: [['7:00', '12:00']] }).error?.issues[0]?.message).toMatch('HH:MM');
    expect(bad({ monday: [] }).success).toBe(false);
  });

  it('refuses a province whose timetables leave days uncovered', () => {
    const partial = { ...seasonal, timetables: seasonal.timetables.slice(0, 1) };
    expect(() => new WorkingCalendar(partial, holidayYears())).toThrow('has no timetable for 2025-01-01');
  });
});
