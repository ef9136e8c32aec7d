import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dayFromIsoDate, isoDateOf, weekdayOf } from '../../functions/core/instant.ts';
import {
  CATALOGUE_FILES,
  FEED_FILES,
  HOLIDAY_FILES,
  holidayYears,
  loadCatalogue,
  loadFeedSettings,
  loadPolicy,
  POLICY_FILES,
  PROVINCE_FILES,
} from '../../functions/reference/data.ts';
import { HolidayYearSchema } from '../../functions/schemas/calendar.ts';
import { loadProvince, SIMULATION_FILES } from '../../local/simulate/province.ts';
import { lunarToSolar, provisionalYear } from '../../local/tools/holiday-rules.ts';
import { calendar } from '../support/calendar.ts';

const offDates = (year: number) =>
  holidayYears()
    .find((y) => y.year === year)!
    .daysOff.map((d) => d.date);

describe('holiday data', () => {
  it('has the calendar of next year, so deadlines never silently run out of data', () => {
    // Data that expires is tested for expiry: add data/holidays/vn/<year>.json
    // (npm run holidays:generate -- <year>, then the official schedule when published).
    const nextYear = new Date().getFullYear() + 1;
    expect(holidayYears().map((y) => y.year)).toContain(nextYear);
    expect(calendar.lastYear).toBeGreaterThanOrEqual(nextYear);
  });

  it('loads every file in data/ and nothing else', () => {
    const onDisk = (dir: string) =>
      readdirSync(new URL(`../../${dir}`, import.meta.url))
        .map((f) => `${dir}/${f}`)
        .sort();
    expect(Object.keys(HOLIDAY_FILES).sort()).toEqual(onDisk('data/holidays/vn'));
    expect(Object.keys(PROVINCE_FILES).sort()).toEqual(onDisk('data/provinces'));
    expect(Object.keys(CATALOGUE_FILES).sort()).toEqual(onDisk('data/procedures'));
    expect(loadCatalogue().procedures.length).toBeGreaterThan(0);
    expect(Object.keys(POLICY_FILES).sort()).toEqual(onDisk('data/policies'));
    expect(Object.keys(SIMULATION_FILES).sort()).toEqual(onDisk('data/simulations'));
    expect(Object.keys(FEED_FILES).sort()).toEqual(onDisk('data/feeds'));
    for (const file of Object.keys(FEED_FILES)) expect(loadFeedSettings(file.slice(11, -5)).id).toBeTruthy();
    expect(loadProvince().communes.length).toBe(102);
    expect(loadPolicy().defaults.warningShare).toBe(0.75);
  });

  it('says where every entry comes from and lists only weekdays off', () => {
    for (const y of holidayYears()) {
      for (const d of y.daysOff) {
        expect(d.source.length, d.date).toBeGreaterThan(3);
        expect(weekdayOf(dayFromIsoDate(d.date)), d.date).toBeLessThan(6);
      }
    }
  });

  it('holds the official 2025 and 2026 civil-service schedules (docs/law.md §4)', () => {
    expect(offDates(2025)).toEqual(
      expect.arrayContaining(['2025-01-01', '2025-01-27', '2025-01-31', '2025-04-07', '2025-09-01', '2025-09-02']),
    );
    expect(offDates(2026)).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-04-27',
      '2026-04-30',
      '2026-05-01',
      '2026-08-31',
      '2026-09-01',
      '2026-09-02',
    ]);
    expect(
      holidayYears()
        .find((y) => y.year === 2026)!
        .makeUpDays.map((d) => d.date),
    ).toEqual(['2026-01-10', '2026-08-22']);
    expect(
      holidayYears()
        .filter((y) => y.status === 'official')
        .map((y) => y.year),
    ).toEqual([2025, 2026]);
  });

  it('rejects a malformed year naming the field', () => {
    const bad = HolidayYearSchema.safeParse({
      country: 'vn',
      year: 2026,
      status: 'official',
      daysOff: [{ date: '2026-02-30', name: 'x', kind: 'holiday', source: 'test' }],
      makeUpDays: [{ date: '2026-01-12', name: 'y', replaces: '2026-01-02', source: 'test' }],
    });
    expect(bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'daysOff.0.date: must be a calendar date YYYY-MM-DD',
      'makeUpDays.0.date: 2026-01-12 is a weekday; a make-up working day replaces a weekly rest day',
    ]);
    expect(
      HolidayYearSchema.safeParse({
        country: 'vn',
        year: 2026,
        status: 'official',
        daysOff: [],
        makeUpDays: [],
        extra: 1,
      }).success,
    ).toBe(false);
  });
});

describe('the Vietnamese lunar calendar and the Labour Code rules', () => {
  it.each([
    // Mùng 1 Tết and Giỗ Tổ Hùng Vương (10/3) as published; 2030 differs from the Chinese calendar (3/2).
    [2023, '2023-01-22', '2023-04-29'],
    [2024, '2024-02-10', '2024-04-18'],
    [2025, '2025-01-29', '2025-04-07'],
    [2026, '2026-02-17', '2026-04-26'],
    [2027, '2027-02-06', '2027-04-16'],
    [2030, '2030-02-02', '2030-04-12'],
  ])('%i: Tết %s, Hùng Kings %s', (year, tet, hung) => {
    expect(isoDateOf(lunarToSolar(1, 1, year))).toBe(tet);
    expect(isoDateOf(lunarToSolar(10, 3, year))).toBe(hung);
  });

  it('the provisional 2027 file is exactly what the rules give', () => {
    expect(holidayYears().find((y) => y.year === 2027)).toEqual(provisionalYear(2027));
  });

  it('the rules agree with the official years on the fixed holidays and substitutes', () => {
    // Official schedules add swaps; every rule-derived day off must still be off in them.
    for (const year of [2025, 2026]) {
      const official = new Set(offDates(year));
      // Tết placement is decided yearly, so only the other holidays are compared.
      const derived = provisionalYear(year).daysOff.filter((d) => !d.name.includes('Tết Nguyên đán'));
      for (const d of derived) expect(official, `${d.date} ${d.name}`).toContain(d.date);
    }
  });

  it('gives substitutes on the next working day for holidays on a weekend (Art. 111(3))', () => {
    const y2027 = provisionalYear(2027).daysOff;
    expect(y2027.filter((d) => d.kind === 'substitute').map((d) => d.date)).toEqual([
      '2027-02-10',
      '2027-02-11',
      '2027-05-03',
    ]);
  });
});
