/**
 * `dunghan serve --data <tmp>` under load, over loopback, as an operator runs it (a child process,
 * through the bin): N valid receipts posted at concurrency C, then a sample of the control sheets read
 * back; requests per second, latency p50/p99, errors, the serving process's RSS before and after, the
 * stop (SIGTERM to exit), and how many accepted dossiers the store lost (read back after the stop).
 *
 *   npm run bench -- serve-load [N] [--concurrency C] [--sample S] [--settle <s>] [--cpu-prof <dir>]
 *
 * Defaults: N 10,000, C 20, S 1,000, 15 s idle before the RSS that counts per open dossier. Goal (README, Scale): at least 200 req/s at concurrency 20 for
 * 10,000 receipts, p99 under 300 ms, RSS growth under 60 KB per open dossier, none lost.
 * Each receipt is a three-stage land dossier received now (real time), limit 10 working days: every one
 * stays open, its execution waiting on its first step.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatInstant } from '../functions/core/instant.ts';
import { startLocalStore } from '../local/dynamo.ts';
import { cpuMs, rssKb, startServe } from '../local/tools/serve-process.ts';
import { landReceipt } from './workload.ts';

const args = process.argv.slice(3);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args.splice(at, 2)[1]! : fallback;
};
const C = Number(option('concurrency', '20'));
const SAMPLE = Number(option('sample', '1000'));
const cpuProf = option('cpu-prof', '');
const settleMs = Number(option('settle', '15')) * 1000;
const N = Number(args[0] ?? 10_000);

const data = mkdtempSync(join(tmpdir(), 'dunghan-serve-load-'));
const serve = await startServe({
  args: ['--data', data],
  // A CPU profile of the serving process, written when it stops (node's options are not passed on by the
  // bin's second process: serve then runs in the one started here, with node's default heap).
  ...(cpuProf ? { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] } : {}),
});
const pid = serve.servingPid;
const receipt = (i: number) => landReceipt(`L-${i}`, formatInstant(Date.now()));

interface Phase {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  statuses: Record<string, number>;
  errors: number;
}

/** `count` requests by `concurrency` workers, each waiting for its answer before the next. */
async function phase(count: number, send: (i: number) => Promise<number>, ok: (status: number) => boolean) {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const okIndexes: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        let status: string;
        try {
          const s = await send(i);
          status = String(s);
          if (ok(s)) okIndexes.push(i);
        } catch (err) {
          status = (err as Error).name;
        }
        latencies.push(performance.now() - t);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!);
  const result: Phase = {
    requests: count,
    seconds: Math.round(seconds * 10) / 10,
    perSecond: Math.round((count / seconds) * 10) / 10,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: Math.round(latencies.at(-1)!),
    statuses,
    errors: count - okIndexes.length,
  };
  return { result, okIndexes };
}

// The units the receipts' paths name (a province loads its units before its dossiers).
for (const [unitId, parentUnitId] of [['tinh'], ['so', 'tinh'], ['vpdk', 'so'], ['thue', 'tinh'], ['xa', 'tinh']]) {
  const unit = {
    eventId: `L-unit-${unitId}`,
    type: 'unit.upserted',
    at: '2026-01-05T08:00:00+07:00',
    unitId,
    name: unitId,
    ...(parentUnitId ? { parentUnitId } : {}),
    head: { name: 'Thủ trưởng', phone: '0912345678' },
  };
  const r = await fetch(`${serve.url}/events`, { method: 'POST', body: JSON.stringify(unit) });
  if (!r.ok) throw new Error(`unit ${unitId}: ${r.status} ${await r.text()}`);
}
const rssBeforeKb = rssKb(pid);
const cpuBefore = cpuMs(pid);
const post = await phase(
  N,
  async (i) => (await fetch(`${serve.url}/events`, { method: 'POST', body: receipt(i) }).then(drain)).status,
  (s) => s === 202 || s === 200,
);
const rssAfterPostKb = rssKb(pid);
// The server's own CPU per receipt: a figure the machine's other load changes less than requests/s.
const cpuAfter = cpuMs(pid);
const serverCpuMsPerReceipt =
  cpuBefore === null || cpuAfter === null ? null : Math.round(((cpuAfter - cpuBefore) / N) * 100) / 100;
// RSS once the server has been idle for a while (V8's memory reducer collects after a quiet spell): what an
// operator sees of a server holding N open dossiers, rather than the garbage of the burst just served.
const rssSettled: number[] = [];
for (let waited = 0; waited < settleMs; waited += 1000) {
  await new Promise((r) => setTimeout(r, 1000));
  rssSettled.push(rssKb(pid) ?? 0);
}
const rssSettledKb = rssSettled.length > 0 ? Math.min(...rssSettled) : rssAfterPostKb;
const sampled = Array.from({ length: Math.min(SAMPLE, post.okIndexes.length) }, (_, k) => {
  return post.okIndexes[Math.floor((k * post.okIndexes.length) / Math.min(SAMPLE, post.okIndexes.length))]!;
});
const get = await phase(
  sampled.length,
  async (k) => (await fetch(`${serve.url}/dossiers/L-${sampled[k]}`).then(drain)).status,
  (s) => s === 200,
);
const rssAfterKb = rssKb(pid);

const stopStarted = performance.now();
serve.bin.kill('SIGTERM');
// A server that does not stop within 20 s is killed (and the store read as a crash left it).
const killer = setTimeout(() => {
  serve.bin.kill('SIGKILL');
  process.kill(pid, 'SIGKILL');
}, 20_000);
const exit = await serve.exited;
clearTimeout(killer);
const stopMs = Math.round(performance.now() - stopStarted);

// Every accepted receipt's dossier must be in the store after the stop.
const store = await startLocalStore({ path: data });
let lost = 0;
let notWatched = 0;
const accepted = [...post.okIndexes];
await Promise.all(
  Array.from({ length: 16 }, async () => {
    for (let i = accepted.pop(); i !== undefined; i = accepted.pop()) {
      const meta = await store.store.dossiers.get(`L-${i}`);
      if (!meta) lost++;
      else if (meta.open && meta.watchAt === undefined) notWatched++;
    }
  }),
);
await store.close();
rmSync(data, { recursive: true, force: true });

// What serve said of its start and stop (its JSON log lines left out).
for (const line of serve.output().split('\n')) if (line.startsWith('dunghan')) console.error(`  serve: ${line}`);
const perDossier = (after: number | null) =>
  rssBeforeKb !== null && after !== null && post.okIndexes.length > 0
    ? Math.round(((after - rssBeforeKb) / post.okIndexes.length) * 10) / 10
    : null;
const growthKbPerDossier = perDossier(rssSettledKb);
console.error(
  `${N} receipts at concurrency ${C}: ${post.result.perSecond} req/s, p50 ${post.result.p50Ms} ms, ` +
    `p99 ${post.result.p99Ms} ms, ${post.result.errors} errors, server CPU ${serverCpuMsPerReceipt} ms per receipt; ` +
    `${get.result.requests} GETs ${get.result.perSecond} req/s, ` +
    `p99 ${get.result.p99Ms} ms; RSS ${kb(rssBeforeKb)} -> ${kb(rssAfterPostKb)} at the end of the posts, ` +
    `${kb(rssSettledKb)} after ${settleMs / 1000} s idle (${growthKbPerDossier} KB per open dossier), ` +
    `${kb(rssAfterKb)} after the GETs; stop ${stopMs} ms (${exit.signal ?? `exit ${exit.code}`}); lost ${lost}`,
);
console.log(
  JSON.stringify({
    bench: 'serve-load',
    receipts: N,
    concurrency: C,
    post: post.result,
    get: get.result,
    serverCpuMsPerReceipt,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    rssBeforeKb,
    rssAfterPostKb,
    rssSettledKb,
    rssAfterGetKb: rssAfterKb,
    rssGrowthKbPerOpenDossier: growthKbPerDossier,
    rssGrowthKbPerOpenDossierAtEndOfPosts: perDossier(rssAfterPostKb),
    stop: { ms: stopMs, code: exit.code, signal: exit.signal },
    lostDossiers: lost,
    unwatchedDossiers: notWatched,
    node: process.version,
  }),
);

async function drain(r: Response): Promise<Response> {
  await r.arrayBuffer();
  return r;
}
function kb(v: number | null): string {
  return v === null ? '?' : `${Math.round(v / 1024)} MB`;
}
