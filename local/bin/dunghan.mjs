#!/usr/bin/env node
// The `dunghan` command: runs the bundle of local/cli.ts that `npm run build` writes to dist/ (`npm ci`
// builds it, in `prepare`), so that a start does not transpile TypeScript.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = `${ROOT}dist/cli.mjs`;
const args = process.argv.slice(2);

// The local workflow engine needs Node 22 (aws-local-stepfunctions uses Promise.withResolvers). npm
// scripts and npx find the project's own Node 22 (the `node` devDependency); a bare `node` may be an
// older one: hand over to the project's.
// A province month (`simulate --days 30 --per-day 4000`) holds tens of thousands of open executions,
// about 40 KB each, past V8's default heap of about 4 GB: the commands that run the engine get a heap of
// up to three quarters of the machine's memory (16 GB at most; V8 only takes what it uses).
const major = Number(process.versions.node.split('.')[0]);
const projectNode = `${ROOT}node_modules/node/bin/node`;
const heapMb = Math.min(16384, Math.floor((totalmem() * 0.75) / 1048576));
const heapTooSmall = getHeapStatistics().heap_size_limit / 1048576 < heapMb * 0.9;
const runsEngine = ['simulate', 'replay', 'serve'].includes(args[0] ?? '');
if ((major < 22 && existsSync(projectNode)) || (major >= 22 && runsEngine && heapTooSmall && !process.env.DUNGHAN_HEAP_SET)) {
  const node = major < 22 ? projectNode : process.execPath;
  const child = spawnSync(node, [`--max-old-space-size=${heapMb}`, fileURLToPath(import.meta.url), ...args], {
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
await run();

async function run() {
  const stale = staleSource();
  if (stale !== null) {
    // A developer's tree without a build, or edited since: the sources through tsx (a devDependency),
    // slower to start but current.
    let tsx;
    try {
      tsx = await import('tsx/esm/api');
    } catch {
      console.error(`dunghan: ${stale ? `dist/ is older than ${stale}` : 'dist/cli.mjs is missing'}; run \`npm run build\``);
      if (!stale) process.exit(1);
    }
    if (tsx) {
      console.error(`dunghan: ${stale ? `dist/ is older than ${stale}` : 'no dist/'}, running the sources through tsx (\`npm run build\` makes the start fast)`);
      tsx.register();
      const { main } = await import(pathToFileURL(`${ROOT}local/cli.ts`).href);
      process.exitCode = await main(args);
      return;
    }
  }
  // Stack traces name the TypeScript sources where one may be printed: an engine command's crash, or
  // DUNGHAN_DEBUG (about 10 ms more at start, so not for `due` and `--help`).
  if (runsEngine || process.env.DUNGHAN_DEBUG) process.setSourceMapsEnabled(true);
  const { main } = await import(pathToFileURL(BUNDLE).href);
  process.exitCode = await main(args);
}

/**
 * null when dist/ was built from the sources as they are; '' when there is no bundle; otherwise the
 * first project source (as the build listed them in dist/sources.json) changed since the build.
 */
function staleSource() {
  let built;
  let sources;
  try {
    built = statSync(BUNDLE).mtimeMs;
    sources = JSON.parse(readFileSync(`${ROOT}dist/sources.json`, 'utf8'));
  } catch {
    return '';
  }
  for (const file of sources) {
    try {
      if (statSync(ROOT + file).mtimeMs > built) return file;
    } catch {
      return file;
    }
  }
  return null;
}
