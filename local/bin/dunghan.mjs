#!/usr/bin/env node
// The `dunghan` command: runs the bundle of local/cli.ts that `npm run build` writes to dist/ (`npm ci`
// builds it, in `prepare`), so that a start does not transpile TypeScript.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { constants, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getHeapStatistics } from 'node:v8';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = `${ROOT}dist/cli.mjs`;
const args = process.argv.slice(2);

// Only the commands that run the local workflow engine need more than this process has:
// - Node 22 (aws-local-stepfunctions uses Promise.withResolvers). npm scripts and npx find the
//   project's own Node 22 (the `node` devDependency); a bare `node` may be an older one: hand over to
//   the project's. The other commands (due, demo, send, --help) run on Node 20 in this process.
// - A province month (`simulate --days 30 --per-day 4000`) holds tens of thousands of open executions,
//   about 40 KB each, past V8's default heap of about 4 GB: they get a heap of up to three quarters of
//   the machine's memory (16 GB at most; V8 only takes what it uses). A running process cannot grow
//   its heap limit, so that is a second process, with the signals forwarded to it.
const major = Number(process.versions.node.split('.')[0]);
const projectNode = `${ROOT}node_modules/node/bin/node`;
const runsEngine =
  ['simulate', 'replay', 'serve'].includes(args[0] ?? '') && !args.includes('--help') && !args.includes('-h');
if (process.env.DUNGHAN_HEAP_SET && process.channel) {
  // The child of handOver(): if that process ends without passing a signal on (SIGKILL, a crash), stop
  // as on SIGTERM rather than go on alone.
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
if (runsEngine && !process.env.DUNGHAN_HEAP_SET) {
  const heapMb = Math.min(16384, Math.floor((totalmem() * 0.75) / 1048576));
  const heapTooSmall = getHeapStatistics().heap_size_limit / 1048576 < heapMb * 0.9;
  if (major < 22 && existsSync(projectNode)) handOver(projectNode, heapMb);
  else if (major >= 22 && heapTooSmall) handOver(process.execPath, heapMb);
  else await run();
} else {
  await run();
}

async function run() {
  if (runsEngine && major < 22) {
    console.error(
      `dunghan: ${args[0]} needs Node.js 22 or later (this is ${process.version}); run \`npm ci\` to install the project's own`,
    );
    process.exit(1);
  }
  const stale = staleSource();
  if (stale !== null) {
    // A developer's tree without a build, or edited since: the sources through tsx (a devDependency),
    // slower to start but current.
    let tsx;
    try {
      tsx = await import('tsx/esm/api');
    } catch {
      console.error(
        `dunghan: ${stale ? `dist/ is older than ${stale}` : 'dist/cli.mjs is missing'}; run \`npm run build\``,
      );
      if (!stale) process.exit(1);
    }
    if (tsx) {
      console.error(
        `dunghan: ${stale ? `dist/ is older than ${stale}` : 'no dist/'}, running the sources through tsx (\`npm run build\` makes the start fast)`,
      );
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

/**
 * Runs this command again in `node` with a heap of `heapMb`, and becomes its shadow: SIGTERM, SIGINT
 * and SIGHUP sent to this process go to the child, Ctrl-Z stops both, and this process exits with the
 * child's code or dies of its signal. The child has a process group of its own, so a signal from the
 * terminal (Ctrl-C) reaches it once, through here, not twice (serve stops on the first SIGINT and would
 * die mid-close on a second).
 */
function handOver(node, heapMb) {
  const child = spawn(node, [`--max-old-space-size=${heapMb}`, fileURLToPath(import.meta.url), ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, DUNGHAN_HEAP_SET: '1' },
    detached: process.platform !== 'win32',
  });
  const forward = (signal) => {
    child.kill(signal);
    child.kill('SIGCONT'); // a child stopped by Ctrl-Z gets the signal now
  };
  const FORWARDED = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  for (const signal of FORWARDED) process.on(signal, forward);
  if (process.platform !== 'win32') {
    // The child's group is in a session of its own (detached), where SIGTSTP is discarded: SIGSTOP.
    process.on('SIGTSTP', () => {
      child.kill('SIGSTOP');
      process.kill(process.pid, 'SIGSTOP');
    });
    process.on('SIGCONT', () => child.kill('SIGCONT'));
  }
  child.on('error', (err) => {
    console.error(`dunghan: cannot start ${node}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      for (const s of [...FORWARDED, 'SIGTSTP', 'SIGCONT']) process.removeAllListeners(s);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
  });
}
