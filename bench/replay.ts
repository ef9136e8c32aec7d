/**
 * A replay of N synthetic three-stage dossiers (default 10,000) on the local stack in simulated time:
 * wall time, peak memory (max RSS), and the workflow cost counters per dossier.
 *
 *   npm run bench -- replay [N]
 *
 * Workload (seeded): a receipt every 2 working minutes from Mon 2026-03-02; limit 10 working days;
 * path receive (commune) -> land office and tax in parallel -> sign (commune); each step takes 20-110 %
 * of its budget, so some dossiers draw warnings and a few go late; every dossier is resolved.
 */
import { parseInstant } from '../functions/core/instant.ts';
import { loadCalendar } from '../functions/reference/data.ts';
import { replay } from '../local/replay.ts';
import { landWorkload } from './workload.ts';

const N = Number(process.argv[3] ?? 10_000);
const calendar = loadCalendar();
// A receipt every 2 working minutes from Monday 2026-03-02 07:00.
const { lines } = landWorkload(calendar, {
  n: N,
  idPrefix: 'B',
  receiptAt: (_, previous) =>
    calendar.nextWorkingInstant(
      calendar.addWorkingMinutes(previous ?? calendar.nextWorkingInstant(parseInstant('2026-03-02T07:00:00+07:00')), 2),
    ),
});

const started = process.hrtime.bigint();
const result = await replay({ lines });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
const late = result.dossiers.filter((d) => d.outcome === 'late').length;
const s = result.stats;
console.error(
  `${N} dossiers (${lines.length} events) in ${seconds.toFixed(1)} s; peak RSS ${maxRssMb} MB; ${late} late; ${result.notices.length} notices`,
);
console.log(
  JSON.stringify({
    bench: 'replay',
    dossiers: N,
    events: lines.length,
    seconds: Math.round(seconds * 10) / 10,
    maxRssMb,
    late,
    notices: result.notices.length,
    rejected: result.rejected.length,
    failedExecutions: s.failedExecutions,
    openExecutions: s.openExecutions,
    perDossier: {
      stateTransitions: +(s.stateTransitions / N).toFixed(2),
      lambdaInvocations: +(s.lambdaInvocations / N).toFixed(2),
      storeReads: +(s.storeReads / N).toFixed(2),
      storeWrites: +(s.storeWrites / N).toFixed(2),
    },
    node: process.version,
  }),
);
