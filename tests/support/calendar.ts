import { WorkingCalendar } from '../../functions/core/calendar.ts';
import { parseInstant } from '../../functions/core/instant.ts';
import { holidayYears, loadCalendar, provinceCalendar } from '../../functions/reference/data.ts';
import type { HolidayYear } from '../../functions/schemas/calendar.ts';

export const at = parseInstant;
export const calendar = loadCalendar();

/** The shipped calendar with extra days off, as when a holiday is decided after receipt. */
export function calendarWithDaysOff(...dates: string[]): WorkingCalendar {
  const years: HolidayYear[] = holidayYears().map((y) => ({
    ...y,
    daysOff: [
      ...y.daysOff,
      ...dates
        .filter((d) => d.startsWith(String(y.year)))
        .map((date) => ({ date, name: 'added after receipt', kind: 'holiday' as const, source: 'test' })),
    ],
  }));
  return new WorkingCalendar(provinceCalendar(), years);
}
