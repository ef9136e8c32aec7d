/**
 * A simulated province season replayed twice: natively (dunghan's events) and as the export of the
 * national portal's feed those dossiers would have produced (local/tools/dvcqg-export.ts), read with
 * `--format dvcqg`: wall time of each, and per dossier whether the outcome agrees.
 *
 *   npm run bench -- dvcqg [days] [perDay]      default a month: 30 days x 70 = about 2,100 dossiers
 */
import { parseInstant } from '../functions/core/instant.ts';
import { loadCalendar } from '../functions/reference/data.ts';
import { replay } from '../local/replay.ts';
import { loadProvince } from '../local/simulate/province.ts';
import { generateWorkload } from '../local/simulate/workload.ts';
import { exportDvcqg } from '../local/tools/dvcqg-export.ts';
import { compareReplays } from '../local/tools/replay-compare.ts';

const days = Number(process.argv[3] ?? 30);
const perDay = Number(process.argv[4] ?? 70);
const calendar = loadCalendar();
const workload = generateWorkload(loadProvince(), calendar, {
  start: parseInstant('2026-04-20T00:00:00+07:00'),
  days,
  perDay,
  seed: 1,
});
const seconds = (from: bigint) => Math.round(Number(process.hrtime.bigint() - from) / 1e8) / 10;

let t = process.hrtime.bigint();
const native = await replay({ lines: workload.lines, until: workload.end });
const nativeSeconds = seconds(t);
t = process.hrtime.bigint();
const feedLines = exportDvcqg(workload.lines, calendar);
const exportSeconds = seconds(t);
t = process.hrtime.bigint();
const feed = await replay({
  lines: feedLines,
  format: 'dvcqg',
  until: workload.end,
  stack: { catalogue: 'daklak', feed: 'daklak' },
});
const feedSeconds = seconds(t);
const comparison = compareReplays(native, feed);
const feedRejected = feed.rejected.filter((r) => !r.eventId?.startsWith('dvcqg:'));
console.error(
  `${comparison.dossiers} dossiers: ${comparison.same} with the same outcome; native ${nativeSeconds} s (${workload.lines.length} lines), dvcqg ${feedSeconds} s (${feedLines.length} lines, export ${exportSeconds} s)`,
);
console.log(
  JSON.stringify({
    bench: 'dvcqg',
    days,
    perDay,
    dossiers: comparison.dossiers,
    sameOutcome: comparison.same,
    differing: comparison.differing,
    examples: comparison.examples.slice(0, 5),
    native: { seconds: nativeSeconds, lines: workload.lines.length, rejected: native.rejected.length },
    dvcqg: {
      seconds: feedSeconds,
      exportSeconds,
      lines: feedLines.length,
      rejected: feedRejected.length,
      unappliedDerived: feed.rejected.length - feedRejected.length,
      findings: feed.findings?.length ?? 0,
    },
    notices: comparison.notices,
    sameNotices: comparison.sameNotices,
    noticesOnlyNative: comparison.noticesOnlyLeft,
    noticesOnlyDvcqg: comparison.noticesOnlyRight,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    node: process.version,
  }),
);
