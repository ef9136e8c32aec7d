import { WorkingCalendar } from '../../functions/core/calendar.ts';
import {
  deriveClock,
  formatLimit,
  openClock,
  parseLimit,
  pauseClock,
  resumeClock,
} from '../../functions/core/clock.ts';
import { formatInstant, type Instant, parseInstant } from '../../functions/core/instant.ts';
import { holidayYears, loadCalendar, provinceCalendar } from '../../functions/reference/data.ts';

const WEEKDAYS = ['CN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'];

/** "T5 26/02/2026 17:00" (Vietnamese weekday abbreviations: T2 = Monday … CN = Sunday). */
function show(t: Instant | null): string {
  if (t === null) return '(paused)';
  const iso = formatInstant(t);
  const weekday = WEEKDAYS[new Date(t + 7 * 3_600_000).getUTCDay()];
  return `${weekday} ${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 16)}`;
}

/** `npm start` until the province simulator exists: the dossier clock on a few real cases. */
export const demoCommand = {
  summary: 'show the dossier clock at work on a few cases (Tết, make-up Saturday, pauses, a new holiday)',
  usage: 'dunghan demo',
  options: {},
  run(): void {
    const calendar = loadCalendar();
    const out: string[] = [];
    out.push(`dunghan: the dossier clock (calendar ${calendar.provinceId}, holiday data ${calendar.coverage()})`, '');
    const cases: [string, string, string][] = [
      ['2026-02-12T14:00:00+07:00', '5 working days', 'Tết Bính Ngọ (14/2-22/2) is skipped'],
      ['2026-01-09T09:00:00+07:00', '1 working day', 'Saturday 10/1 is a make-up working day'],
      ['2026-03-02T10:00:00+07:00', '8 working hours', 'hours run inside 07:00-11:30 and 13:30-17:00'],
      [
        '2026-04-24T19:30:00+07:00',
        '3 working days',
        'an evening receipt counts from Monday 07:00; 27/4 and 30/4-1/5 are off',
      ],
    ];
    out.push('received               limit             due                    why');
    for (const [received, limitText, why] of cases) {
      const ledger = openClock(calendar, { receivedAt: parseInstant(received), limit: parseLimit(limitText) });
      const state = deriveClock(calendar, ledger);
      out.push(
        `${show(ledger.receivedAt).padEnd(22)} ${formatLimit(ledger.limit).padEnd(17)} ${show(state.dueAt).padEnd(22)} ${why}`,
      );
    }

    out.push('', 'A supplement request pauses the clock (Decree 61/2018 practice; docs/law.md §3):');
    const receivedAt = parseInstant('2026-03-09T08:00:00+07:00');
    const limit = parseLimit('10 working days');
    for (const mode of ['pause', 'restart'] as const) {
      let ledger = openClock(calendar, { receivedAt, limit, mode });
      const before = deriveClock(calendar, ledger).dueAt;
      ledger = pauseClock(ledger, parseInstant('2026-03-12T09:00:00+07:00'));
      ledger = resumeClock(ledger, parseInstant('2026-03-18T15:00:00+07:00'));
      const after = deriveClock(calendar, ledger);
      out.push(
        `  ${mode.padEnd(7)} received ${show(receivedAt)}, ${formatLimit(limit)}: due ${show(before)}; ` +
          `supplement requested ${show(ledger.pauses[0]!.from)}, received ${show(ledger.pauses[0]!.to)} -> due ${show(after.dueAt)}`,
      );
    }

    out.push('', 'Holidays change: when a new day off is added, open dossiers move with it:');
    const open = openClock(calendar, {
      receivedAt: parseInstant('2026-11-20T10:00:00+07:00'),
      limit: parseLimit('5 working days'),
    });
    const years = holidayYears().map((y) =>
      y.year === 2026
        ? {
            ...y,
            daysOff: [
              ...y.daysOff,
              {
                date: '2026-11-24',
                name: 'Ngày Văn hóa Việt Nam (hypothetical)',
                kind: 'holiday' as const,
                source: 'demo',
              },
            ],
          }
        : y,
    );
    const changed = new WorkingCalendar(provinceCalendar(), years);
    out.push(
      `  received ${show(open.receivedAt)}, 5 working days: due ${show(deriveClock(calendar, open).dueAt)}; ` +
        `with 24/11 off: due ${show(deriveClock(changed, open).dueAt)}`,
    );
    out.push('', 'Try it: npx dunghan due --received 2026-02-12T14:00:00+07:00 --limit "5 working days"');
    console.log(out.join('\n'));
  },
} as const;
