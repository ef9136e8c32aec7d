/**
 * `dunghan simulate` at scale: wall time and peak memory (max RSS) of a whole season, outputs written.
 *
 *   npm run bench -- simulate [days] [perDay] [--park-after-minutes M|off] [--table disk|memory]
 *                                                  (default 30 days x 4000: a Đắk Lắk month; parking as the stack's)
 *
 * The goal for the month: under 5 minutes and under 2 GB on a 2-core machine. Benches run with a
 * 16 GB heap ceiling (package.json), as `dunghan` does on a machine with 22 GB or more: V8's default
 * (about 4 GB) is too small for a month's open executions.
 */
import { dayFromIsoDate, startOfDay } from '../functions/core/instant.ts';
import { SIMULATION_DEFAULTS } from '../local/commands/simulate.ts';
import { simulate } from '../local/simulate/run.ts';

const args = process.argv.slice(3);
const parkArg = args.indexOf('--park-after-minutes');
const park = parkArg < 0 ? undefined : args[parkArg + 1] === 'off' ? null : Number(args[parkArg + 1]);
const [days, perDay] = [Number(args[0] ?? 30), Number(args[1] ?? 4000)];
const table = args.includes('--table') ? (args[args.indexOf('--table') + 1] as 'disk' | 'memory') : undefined;
const started = process.hrtime.bigint();
let lastReport = started;
let firedInstants = 0;
let deliveredEvents = 0;
const { summary } = await simulate({
  start: startOfDay(dayFromIsoDate(SIMULATION_DEFAULTS.start)),
  days,
  perDay,
  seed: SIMULATION_DEFAULTS.seed,
  out: 'out/bench-simulate',
  ...(park !== undefined ? { parkAfterMinutes: park } : {}),
  ...(table ? { table } : {}),
  async atEnd(stack) {
    firedInstants = stack.time?.firedInstants ?? 0;
  },
  onProgress(delivered, total) {
    // Called before each delivery with the count so far, and once at the end with the total of the lines.
    if (delivered < total) deliveredEvents = delivered + 1;
    const now = process.hrtime.bigint();
    if (now - lastReport < 30_000_000_000n) return;
    lastReport = now;
    const rss = Math.round(process.memoryUsage().rss / 1048576);
    console.error(`${(Number(now - started) / 1e9).toFixed(0)} s: ${delivered}/${total} events, RSS ${rss} MB`);
  },
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
const t = summary.totals;
const s = summary.execution;
console.log(
  JSON.stringify({
    bench: 'simulate',
    days,
    perDay,
    dossiers: summary.dossiers,
    events: summary.events,
    seconds: Math.round(seconds * 10) / 10,
    maxRssMb,
    finished: t.finished,
    late: t.late,
    latePct: +((t.late / Math.max(1, t.finished)) * 100).toFixed(2),
    openOverdue: t.openOverdue,
    notices: summary.notices.byKind,
    failedExecutions: s.failedExecutions,
    table: table ?? 'memory',
    executions: s.executions,
    parkedExecutions: s.parkedExecutions,
    openExecutionsAtEnd: s.openExecutions,
    // The serial steps of the run: each event delivered, each instant at which timers fired (settled one by one).
    serialSteps: { eventsDelivered: deliveredEvents, timerInstants: firedInstants },
    lambdaInvocationsPerSerialStep: +(s.lambdaInvocations / (deliveredEvents + firedInstants)).toFixed(2),
    perDossier: {
      stateTransitions: +(s.stateTransitions / summary.dossiers).toFixed(2),
      lambdaInvocations: +(s.lambdaInvocations / summary.dossiers).toFixed(2),
      storeReads: +(s.storeReads / summary.dossiers).toFixed(2),
      storeWrites: +(s.storeWrites / summary.dossiers).toFixed(2),
    },
    node: process.version,
  }),
);
