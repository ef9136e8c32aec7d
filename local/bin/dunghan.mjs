#!/usr/bin/env node
// The `dunghan` command. TypeScript sources run through tsx, so there is no build step.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { fileURLToPath } from 'node:url';

// The local workflow engine needs Node 22 (aws-local-stepfunctions uses Promise.withResolvers). npm
// scripts and npx find the project's own Node 22 (the `node` devDependency); a bare `node` may be an
// older one: hand over to the project's.
// A province month (`simulate --days 30 --per-day 4000`) holds tens of thousands of open executions,
// about 40 KB each, past V8's default heap of about 4 GB: the commands that run the engine get a heap of
// up to three quarters of the machine's memory (16 GB at most; V8 only takes what it uses).
const major = Number(process.versions.node.split('.')[0]);
const projectNode = fileURLToPath(new URL('../../node_modules/node/bin/node', import.meta.url));
const heapMb = Math.min(16384, Math.floor((totalmem() * 0.75) / 1048576));
const heapTooSmall = getHeapStatistics().heap_size_limit / 1048576 < heapMb * 0.9;
const runsEngine = ['simulate', 'replay', 'serve'].includes(process.argv[2] ?? '');
if ((major < 22 && existsSync(projectNode)) || (major >= 22 && runsEngine && heapTooSmall && !process.env.DUNGHAN_HEAP_SET)) {
  const node = major < 22 ? projectNode : process.execPath;
  const child = spawnSync(node, [`--max-old-space-size=${heapMb}`, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, DUNGHAN_HEAP_SET: '1' },
  });
  if (child.signal) process.kill(process.pid, child.signal);
  process.exit(child.status ?? 1);
}
if (major < 22) {
  console.error(`dunghan: needs Node.js 22 or later (this is ${process.version}); run \`npm ci\` to install the project's own`);
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli.ts');
process.exitCode = await main(process.argv.slice(2));
