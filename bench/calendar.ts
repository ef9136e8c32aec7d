/**
 * Due-date computations per second on one core (this process's main thread) for a realistic mix,
 * against dayjs-business-time configured with the same windows and days off.
 *
 * Mix (seeded, the same every run): 80 % limits in working days (1-30), 20 % in working hours (1-40);
 * receipts spread uniformly over 2025-01-01 .. 2027-10-31 (so that 30 working days stay inside the
 * holiday data), 75 % of them inside office hours on weekdays, the rest at any time (online submissions
 * at night, weekends, holidays).
 */
process.env.TZ = 'Asia/Ho_Chi_Minh'; // the peer works in the process's local time zone

import dayjs from 'dayjs';
import dayjsBusinessTime from 'dayjs-business-time';
import { computeDueAt, type Limit } from '../functions/core/clock.ts';
import { DAY_MS, formatInstant, MINUTE_MS, parseInstant } from '../functions/core/instant.ts';
import { holidayYears, loadCalendar } from '../functions/reference/data.ts';
import { seededRandom } from '../local/tools/random.ts';

const CASES = 200_000;
const PEER_CASES = 20_000;
const SECONDS = 2;

interface Case {
  receivedAt: number;
  limit: Limit;
}

function makeCases(n: number): Case[] {
  const rnd = seededRandom(20260217);
  const from = parseInstant('2025-01-01T00:00:00+07:00');
  const days = Math.floor((parseInstant('2027-10-31T00:00:00+07:00') - from) / DAY_MS);
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const day = from + Math.floor(rnd() * days) * DAY_MS;
    const officeHours = rnd() < 0.75;
    const minuteOfDay = officeHours ? 7 * 60 + Math.floor(rnd() * 600) : Math.floor(rnd() * 1440);
    const limit: Limit =
      rnd() < 0.8
        ? { amount: 1 + Math.floor(rnd() * 30), unit: 'days' }
        : { amount: 1 + Math.floor(rnd() * 40), unit: 'hours' };
    cases.push({ receivedAt: day + minuteOfDay * MINUTE_MS, limit });
  }
  return cases;
}

function measure(label: string, cases: readonly Case[], compute: (c: Case) => number, seconds: number): number {
  let sink = 0;
  for (let i = 0; i < Math.min(cases.length, 5_000); i++) sink += compute(cases[i]!); // warm-up
  let ops = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  let now = started;
  while (now < deadline) {
    for (let i = 0; i < cases.length; i++) sink += compute(cases[i]!);
    ops += cases.length;
    now = process.hrtime.bigint();
  }
  const rate = ops / (Number(now - started) / 1e9);
  console.error(
    `${label}: ${ops.toLocaleString('en')} computations, ${Math.round(rate).toLocaleString('en')}/s (checksum ${sink % 997})`,
  );
  return rate;
}

const calendar = loadCalendar();
const cases = makeCases(CASES);
const ours = (c: Case) => computeDueAt(calendar, c.receivedAt, c.limit);
const opsPerSec = measure('dunghan', cases, ours, SECONDS);

// The peer: the same Monday-Friday windows and every listed day off. It has no notion of make-up
// working days (Saturdays worked in exchange), so results that cross one disagree.
dayjs.extend(dayjsBusinessTime);
const window = [
  { start: '07:00:00', end: '11:30:00' },
  { start: '13:30:00', end: '17:00:00' },
];
dayjs.setBusinessTime({
  sunday: null,
  monday: window,
  tuesday: window,
  wednesday: window,
  thursday: window,
  friday: window,
  saturday: null,
});
dayjs.setHolidays(holidayYears().flatMap((y) => y.daysOff.map((d) => d.date)));
const peer = (c: Case) => {
  let start = dayjs(c.receivedAt);
  if (!start.isBusinessTime()) start = start.nextBusinessTime();
  if (c.limit.unit === 'hours') return start.addBusinessMinutes(c.limit.amount * 60).valueOf();
  // Civil Code Art. 147-148: the Nth working day after receipt, at the close of its last window.
  return start.addBusinessDays(c.limit.amount).hour(17).minute(0).second(0).millisecond(0).valueOf();
};
const peerCases = cases.slice(0, PEER_CASES);
const peerOpsPerSec = measure('dayjs-business-time', peerCases, peer, SECONDS);

// Every difference should have a known cause: a make-up working day the peer cannot know about, or
// a receipt at the closing instant.
const makeUpDays = holidayYears().flatMap((y) => y.makeUpDays.map((d) => parseInstant(`${d.date}T23:59:59+07:00`)));
let agreement = 0;
let unexplained = 0;
const examples: string[] = [];
for (const c of peerCases) {
  const a = ours(c);
  const b = peer(c);
  if (a === b) {
    agreement++;
    continue;
  }
  const crossesMakeUpDay = makeUpDays.some((endOfDay) => endOfDay > c.receivedAt && endOfDay - DAY_MS < Math.max(a, b));
  // A receipt at the very closing instant (17:00): the peer counts it as still open; dunghan counts
  // it as out of hours (windows are [open, close)), so it counts from the next working morning.
  const atClose = !calendar.isWorkingInstant(c.receivedAt) && calendar.isWorkingInstant(c.receivedAt - 1);
  const why = crossesMakeUpDay ? 'crosses a make-up working day' : atClose ? 'received at the closing instant' : null;
  if (!why) unexplained++;
  if (examples.length < 4 || !why) {
    examples.push(
      `${formatInstant(c.receivedAt)} +${c.limit.amount} ${c.limit.unit}: dunghan ${formatInstant(a)}, peer ${formatInstant(b)} (${why ?? 'unexplained'})`,
    );
  }
}
console.error(
  `agreement: ${agreement}/${peerCases.length}; unexplained differences: ${unexplained}\n  ${examples.slice(0, 10).join('\n  ')}`,
);
console.log(
  JSON.stringify({
    bench: 'calendar',
    opsPerSec: Math.round(opsPerSec),
    peerOpsPerSec: Math.round(peerOpsPerSec),
    ratio: Math.round((opsPerSec / peerOpsPerSec) * 10) / 10,
    agreement,
    compared: peerCases.length,
    unexplainedDifferences: unexplained,
    node: process.version,
  }),
);
