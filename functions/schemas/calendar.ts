import { z } from 'zod';
import { dayFromIsoDate, weekdayOf, yearOf } from '../core/instant.ts';

/**
 * Schemas of the calendar reference data in data/: holiday years and provincial timetables.
 * Closed (strict) so that a misspelt field in a data file fails at load, not in production.
 */

function isIsoDate(s: string): boolean {
  try {
    dayFromIsoDate(s);
    return true;
  } catch {
    return false;
  }
}

const isoDate = z.string().refine(isIsoDate, { message: 'must be a calendar date YYYY-MM-DD' });

const source = z.string().min(3, 'every entry says where it comes from');

export const DayOffSchema = z
  .object({
    date: isoDate,
    name: z.string().min(1),
    /**
     * holiday: a statutory holiday; substitute: nghỉ bù for a holiday on a rest day; swap: a working day moved (hoán
     * đổi).
     */
    kind: z.enum(['holiday', 'substitute', 'swap']),
    source,
  })
  .strict();

export const MakeUpDaySchema = z
  .object({
    date: isoDate,
    name: z.string().min(1),
    /** The weekday given off in exchange; the make-up day works that weekday's hours. */
    replaces: isoDate,
    source,
  })
  .strict();

export const HolidayYearSchema = z
  .object({
    country: z.literal('vn'),
    year: z.number().int().min(2000).max(2100),
    /** official: a published civil-service schedule; provisional: derived from the Labour Code rules. */
    status: z.enum(['official', 'provisional']),
    note: z.string().optional(),
    daysOff: z.array(DayOffSchema),
    makeUpDays: z.array(MakeUpDaySchema),
  })
  .strict()
  .superRefine((y, ctx) => {
    const seen = new Set<string>();
    const check = (date: string, path: (string | number)[]) => {
      if (!isIsoDate(date)) return; // reported by the field's own schema
      if (yearOf(dayFromIsoDate(date)) !== y.year) {
        ctx.addIssue({ code: 'custom', path, message: `${date} is not in ${y.year}` });
      }
      if (seen.has(date)) ctx.addIssue({ code: 'custom', path, message: `${date} is listed twice` });
      seen.add(date);
    };
    for (const [i, d] of y.daysOff.entries()) check(d.date, ['daysOff', i, 'date']);
    y.makeUpDays.forEach((d, i) => {
      check(d.date, ['makeUpDays', i, 'date']);
      if (isIsoDate(d.date) && weekdayOf(dayFromIsoDate(d.date)) < 6) {
        ctx.addIssue({
          code: 'custom',
          path: ['makeUpDays', i, 'date'],
          message: `${d.date} is a weekday; a make-up working day replaces a weekly rest day`,
        });
      }
    });
  });

/** A local time "HH:MM", parsed to minutes after midnight. */
export const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a local time HH:MM')
  .transform((s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3)));

/** A working window ["07:00", "11:30"], as minutes after local midnight once parsed. */
const WindowSchema = z
  .tuple([hhmm, hhmm])
  .refine(([from, to]) => from < to, { message: 'a window must end after it starts' });

const DayWindowsSchema = z
  .array(WindowSchema)
  .refine((ws) => ws.every((w, i) => i === 0 || (ws[i - 1]?.[1] ?? 0) <= w[0]), {
    message: 'windows must be in order and must not overlap',
  });

const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD');

export const TimetableSchema = z
  .object({
    name: z.string().min(1),
    /** First and last day (MM-DD, inclusive) the timetable applies each year; may wrap the new year. */
    from: monthDay,
    to: monthDay,
    week: z
      .object({
        mon: DayWindowsSchema.default([]),
        tue: DayWindowsSchema.default([]),
        wed: DayWindowsSchema.default([]),
        thu: DayWindowsSchema.default([]),
        fri: DayWindowsSchema.default([]),
        sat: DayWindowsSchema.default([]),
        sun: DayWindowsSchema.default([]),
      })
      .strict(),
  })
  .strict();

export const ProvinceCalendarSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    timeZone: z.literal('Asia/Ho_Chi_Minh'),
    holidays: z.literal('vn'),
    /** Checked in order; the first whose date range holds a day gives that day's windows. */
    timetables: z.array(TimetableSchema).min(1),
    source: z.string().optional(),
  })
  .strict();

export type HolidayYear = z.infer<typeof HolidayYearSchema>;
export type Timetable = z.infer<typeof TimetableSchema>;
export type ProvinceCalendar = z.infer<typeof ProvinceCalendarSchema>;
