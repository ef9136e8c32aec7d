import { getSolarDate } from '@dqcai/vn-lunar';
import { type DayNumber, dayFromIsoDate, isoDateOf, weekdayOf } from '../../functions/core/instant.ts';
import type { HolidayYear } from '../../functions/schemas/calendar.ts';

/**
 * A provisional civil-service calendar built from the Labour Code 2019 rules, for years whose
 * official schedule is not yet published. Swaps (hoán đổi) and make-up Saturdays are decided by the
 * Prime Minister each year and cannot be derived: a provisional year has none. Replace the file with
 * the official schedule once it is published.
 */

const ART_112 = 'Labour Code 2019 Art. 112(1)';
const LUNAR = 'Vietnamese lunar calendar for UTC+7 (@dqcai/vn-lunar, Hồ Ngọc Đức tables)';

interface Holiday {
  day: DayNumber;
  name: string;
  source: string;
}

/** The solar day of a lunar date in the Vietnamese calendar (computed for UTC+7). */
export function lunarToSolar(lunarDay: number, lunarMonth: number, lunarYear: number): DayNumber {
  const s = getSolarDate(lunarDay, lunarMonth, lunarYear);
  return Date.UTC(s.year, s.month - 1, s.day) / 86_400_000;
}

export function statutoryHolidays(year: number): Holiday[] {
  const d = (mmdd: string) => dayFromIsoDate(`${year}-${mmdd}`);
  const tet = lunarToSolar(1, 1, year);
  const holidays: Holiday[] = [
    { day: d('01-01'), name: 'Tết Dương lịch', source: `${ART_112}(a)` },
    // Five Tết days; placement is fixed yearly by the Prime Minister. Rule used here: the last day of
    // the old lunar year and the first four days of the new one.
    ...[-1, 0, 1, 2, 3].map((k) => ({
      day: tet + k,
      name: k < 0 ? 'Tết Nguyên đán (ngày cuối năm âm lịch)' : `Tết Nguyên đán (mùng ${k + 1})`,
      source: `${ART_112}(b); mùng 1 = ${isoDateOf(tet)} by the ${LUNAR}`,
    })),
    {
      day: lunarToSolar(10, 3, year),
      name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)',
      source: `${ART_112}(e); ${LUNAR}`,
    },
    { day: d('04-30'), name: 'Ngày Chiến thắng', source: `${ART_112}(c)` },
    { day: d('05-01'), name: 'Ngày Quốc tế Lao động', source: `${ART_112}(d)` },
    { day: d('09-02'), name: 'Quốc khánh', source: `${ART_112}(đ)` },
    {
      day: nationalDayAdjacent(d('09-02')),
      name: 'Quốc khánh (ngày liền kề)',
      source: `${ART_112}(đ): 2/9 and one adjacent day, placed as in 2021-2026 for the same weekday`,
    },
  ];
  return holidays.sort((a, b) => a.day - b.day);
}

/**
 * 1/9 or 3/9, by the weekday of 2/9, as the schedules of 2021-2026 placed it:
 * Mon 3/9 (2024), Tue 1/9 (2025), Wed 1/9 (2026), Thu 3/9 (2021), Fri 1/9 (2022), Sat 1/9 (2023).
 */
function nationalDayAdjacent(sept2: DayNumber): DayNumber {
  const wd = weekdayOf(sept2);
  return wd === 1 || wd === 4 ? sept2 + 1 : sept2 - 1;
}

const isRestDay = (day: DayNumber) => weekdayOf(day) >= 6;

export function provisionalYear(year: number): HolidayYear {
  const holidays = statutoryHolidays(year).filter((h) => new Date(h.day * 86_400_000).getUTCFullYear() === year);
  const taken = new Set(holidays.map((h) => h.day));
  const daysOff: HolidayYear['daysOff'] = [];
  for (const h of holidays) {
    if (!isRestDay(h.day)) {
      daysOff.push({ date: isoDateOf(h.day), name: h.name, kind: 'holiday', source: h.source });
      continue;
    }
    // Art. 111(3): a holiday on a weekly rest day gives a day off on the next working day.
    let sub = h.day + 1;
    while (isRestDay(sub) || taken.has(sub)) sub++;
    taken.add(sub);
    daysOff.push({
      date: isoDateOf(sub),
      name: `Nghỉ bù ${h.name} (${isoDateOf(h.day)})`,
      kind: 'substitute',
      source: 'Labour Code 2019 Art. 111(3)',
    });
  }
  daysOff.sort((a, b) => a.date.localeCompare(b.date));
  return {
    country: 'vn',
    year,
    status: 'provisional',
    note:
      `Provisional: built from the Labour Code 2019 rules by \`npm run holidays:generate -- ${year}\`; ` +
      'no official civil-service schedule was found. Swaps and make-up Saturdays are decided yearly and are ' +
      'not included. Replace with the official schedule when it is published.',
    daysOff,
    makeUpDays: [],
  };
}
