/**
 * The start of the `dunghan` command: wall time of a whole process, spawned as an operator starts it
 * (`node local/bin/dunghan.mjs ...`, which `npx dunghan` runs), for `due` and `--help`.
 *
 *   npm run bench -- cli [runs] [--node <path>]     (default 20 runs after 2 warm-ups, this Node)
 *
 * Each run's exit code and output are checked. `--node /usr/bin/node` measures a bare Node 20, which
 * hands over to the project's Node 22. Issue goal: a median under 300 ms for `due`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(3);
const nodeAt = args.indexOf('--node');
const node = nodeAt >= 0 ? args.splice(nodeAt, 2)[1]! : process.execPath;
const RUNS = Number(args[0] ?? 20);
const WARM_UPS = 2;
const BIN = fileURLToPath(new URL('../local/bin/dunghan.mjs', import.meta.url));

interface Case {
  name: string;
  args: string[];
  check(stdout: string): boolean;
}

const CASES: Case[] = [
  {
    name: 'due',
    args: ['due', '--received', '2026-02-12T14:00:00+07:00', '--limit', '5 working days'],
    check: (stdout) => (JSON.parse(stdout) as { dueAt?: string }).dueAt === '2026-02-26T17:00:00+07:00',
  },
  {
    name: 'help',
    args: ['--help'],
    check: (stdout) => stdout.startsWith('usage: dunghan <command>') && stdout.includes('  due '),
  },
];

function once(c: Case): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(node, [BIN, ...c.args], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0 || !c.check(run.stdout)) {
    throw new Error(`dunghan ${c.args.join(' ')}: exit ${run.status ?? run.signal}\n${run.stdout}${run.stderr}`);
  }
  return ms;
}

const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const round = (ms: number) => Math.round(ms);

const results: Record<string, { medianMs: number; p90Ms: number; minMs: number; maxMs: number }> = {};
for (const c of CASES) {
  for (let i = 0; i < WARM_UPS; i++) once(c);
  const times = Array.from({ length: RUNS }, () => once(c)).sort((a, b) => a - b);
  const median = RUNS % 2 ? times[(RUNS - 1) / 2]! : (times[RUNS / 2 - 1]! + times[RUNS / 2]!) / 2;
  results[c.name] = {
    medianMs: round(median),
    p90Ms: round(at(times, 0.9)),
    minMs: round(times[0]!),
    maxMs: round(times.at(-1)!),
  };
  const r = results[c.name]!;
  console.error(
    `dunghan ${c.args.join(' ')}: median ${r.medianMs} ms, p90 ${r.p90Ms} ms, min ${r.minMs} ms, max ${r.maxMs} ms (${RUNS} runs)`,
  );
}
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(JSON.stringify({ bench: 'cli', runs: RUNS, ...results, node: version }));
