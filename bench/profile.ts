/**
 * Profiles, so that anyone can repeat what docs/scale.md reports:
 *
 *   npm run bench -- profile cpu <bench> [args…]       CPU profile of another bench (e.g. `simulate 3 1000`)
 *   npm run bench -- profile heap [N] [--park-after-minutes M|off]
 *                                                       N receipts (default 2,000) on a simulated-time stack, settled:
 *                                                       heap and table memory per open dossier, and a heap snapshot
 *
 * Files go to out/profile/ (open them in Chrome DevTools: Performance, Memory); the summary is printed as
 * JSON: CPU self time by package (or our own file) and by function; heap self size by object kind.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { formatInstant, parseInstant } from '../functions/core/instant.ts';
import { loadCalendar } from '../functions/reference/data.ts';
import { startLocalStack } from '../local/stack.ts';
import { summariseCpu, summariseHeap } from './profile-summary.ts';
import { landReceipt, landWorkload } from './workload.ts';

const OUT = 'out/profile';
const [mode, ...rest] = process.argv.slice(3);

if (mode === 'cpu') {
  const [bench, ...args] = rest;
  if (!bench) throw new Error('usage: npm run bench -- profile cpu <bench> [args…]');
  const dir = join(OUT, `cpu-${bench}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The same node and loader as this process (tsx), with V8's sampling profiler on.
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${dir}`, 'bench/run.ts', bench, ...args],
    { stdio: 'inherit' },
  );
  if (child.status !== 0) process.exit(child.status ?? 1);
  const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!);
  console.log(JSON.stringify({ bench: 'profile', mode, of: [bench, ...args].join(' '), file, ...summariseCpu(file) }));
} else if (mode === 'heap') {
  const n = Number(rest.find((a) => /^\d+$/.test(a)) ?? 2000);
  const parkArg = rest.indexOf('--park-after-minutes');
  const parkAfterMinutes = parkArg >= 0 && rest[parkArg + 1] !== 'off' ? Number(rest[parkArg + 1]) : null;
  const park = parkArg >= 0 ? parkAfterMinutes : undefined;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const t0 = parseInstant('2026-03-02T08:00:00+07:00');
  const stack = await startLocalStack({
    simulatedStart: t0 - 1000,
    ...(park !== undefined ? { parkAfterMinutes: park } : {}),
  });
  const { lines } = landWorkload(loadCalendar(), { n: 0, idPrefix: 'H', receiptAt: () => t0 });
  for (const line of lines) await stack.request('POST', '/events', line);
  await stack.time!.settle();
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < n; i++) await stack.request('POST', '/events', landReceipt(`H-${i}`, formatInstant(t0 + i)));
  await stack.time!.settle();
  gc();
  gc();
  const after = process.memoryUsage();
  const kb = (bytes: number) => +(bytes / n / 1024).toFixed(1);
  mkdirSync(OUT, { recursive: true });
  const file = writeHeapSnapshot(join(OUT, `heap-${n}.heapsnapshot`));
  const stats = stack.stats();
  console.log(
    JSON.stringify({
      bench: 'profile',
      mode,
      dossiers: n,
      parkAfterMinutes: stack.deps.policy.operations.parkAfterMinutes,
      openExecutions: stats.openExecutions,
      parkedExecutions: stats.parkedExecutions,
      perOpenDossierKb: {
        heap: kb(after.heapUsed - before.heapUsed),
        // The table's items (dynalite keeps them as byte arrays, outside the JS heap).
        external: kb(after.external + after.arrayBuffers - before.external - before.arrayBuffers),
        rss: kb(after.rss - before.rss),
      },
      file,
      ...summariseHeap(file, n),
    }),
  );
  await stack.close();
} else {
  console.error('usage: npm run bench -- profile cpu <bench> [args…] | profile heap [N] [--park-after-minutes M|off]');
  process.exit(2);
}
