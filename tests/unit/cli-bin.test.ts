import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../local/cli.ts';
import { alive, childrenOf, operatorEnv, startServe as startServing } from '../../local/tools/serve-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'local/bin/dunghan.mjs');
const DUE = ['due', '--received', '2026-02-12T14:00:00+07:00', '--limit', '5 working days'];
const DUE_AT = '2026-02-26T17:00:00+07:00';
const LINUX = process.platform === 'linux';

async function run(
  node: string,
  bin: string,
  args: string[],
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(node, [bin, ...args], { env: operatorEnv() });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

/** A Node older than 22 on PATH outside node_modules (a machine's own Node 20), if there is one. */
function olderNode(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const node = join(dir, 'node');
    if (!dir || dir.includes('node_modules') || !existsSync(node)) continue;
    const major = Number(
      execFileSync(node, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim(),
    );
    return major < 22 ? node : null;
  }
  return null;
}
const NODE_20 = olderNode();

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** `dunghan serve --port 0` started as an operator would, once it listens: its process, port and child. */
async function startServe(node: string) {
  const s = await startServing({ node });
  return { ...s, children: LINUX ? childrenOf(s.bin.pid!) : [] };
}

async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  );
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function gone(pids: number[]): Promise<void> {
  for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  expect(pids.filter(alive)).toEqual([]);
}

describe('dunghan --help', () => {
  it('lists each command with its own module’s summary, without loading the modules', async () => {
    for (const [name, entry] of Object.entries(COMMANDS))
      expect((await entry.load()).summary, name).toBe(entry.summary);
    const { stdout, code } = await run(process.execPath, BIN, ['--help']);
    expect(code).toBe(0);
    for (const [name, entry] of Object.entries(COMMANDS))
      expect(stdout).toContain(`  ${name.padEnd(8)} ${entry.summary}`);
  });

  it('an unknown command is bad input, even one named like an Object property', async () => {
    const { stderr, code } = await run(process.execPath, BIN, ['constructor']);
    expect(code).toBe(2);
    expect(stderr).toContain('dunghan: unknown command "constructor"');
  });
});

describe('the bin: signals reach the process that runs the engine', () => {
  // serve is started again with a larger heap (and on Node 20, on the project's Node 22): a second
  // process. A signal to the one the operator started must stop both, and nothing listens after.
  it.each([
    ['SIGTERM', { code: 0, signal: null }],
    ['SIGINT', { code: 0, signal: null }],
    // serve does not handle SIGHUP: the child dies of it, and so does the bin.
    ['SIGHUP', { code: null, signal: 'SIGHUP' }],
  ] as const)(
    '%s to `dunghan serve` stops it and its child, gracefully where serve handles it',
    async (signal, expected) => {
      const { bin, exited, port, children } = await startServe(process.execPath);
      expect(await listening(port)).toBe(true);
      bin.kill(signal);
      expect(await within(5_000, exited, `dunghan serve after ${signal}`)).toEqual(expected);
      await gone(children);
      expect(await listening(port)).toBe(false);
    },
    20_000,
  );

  it.runIf(LINUX)(
    'the child stops as on SIGTERM when the bin is killed outright (SIGKILL)',
    async () => {
      const { bin, exited, port, children } = await startServe(process.execPath);
      expect(children.length).toBeLessThanOrEqual(1);
      bin.kill('SIGKILL');
      await exited;
      await gone(children);
      expect(await listening(port)).toBe(false);
    },
    20_000,
  );

  it.runIf(NODE_20 !== null)(
    'on the machine’s Node 20: serve runs on the project’s Node 22 and SIGTERM stops both',
    async () => {
      const { bin, exited, port, children } = await startServe(NODE_20!);
      if (LINUX) expect(children.length).toBe(1);
      bin.kill('SIGTERM');
      expect(await within(5_000, exited, 'dunghan serve after SIGTERM')).toEqual({ code: 0, signal: null });
      await gone(children);
      expect(await listening(port)).toBe(false);
    },
    20_000,
  );

  it.runIf(NODE_20 !== null)('on the machine’s Node 20: due and --help run in that process', async () => {
    const due = await run(NODE_20!, BIN, DUE);
    expect(due.code).toBe(0);
    expect(JSON.parse(due.stdout).dueAt).toBe(DUE_AT);
    expect((await run(NODE_20!, BIN, ['--help'])).stdout).toContain('usage: dunghan <command>');
  });
});

describe('the bin without a current build', () => {
  // A copy of the project's sources with the bin; node_modules is the project's (tsx) or an empty one.
  const copies: string[] = [];
  function copy(options: { dist: boolean; tsx: boolean }): string {
    const root = mkdtempSync(join(tmpdir(), 'dunghan-bin-'));
    copies.push(root);
    for (const dir of ['local', 'functions', 'data', 'workflows', ...(options.dist ? ['dist'] : [])])
      cpSync(join(ROOT, dir), join(root, dir), { recursive: true });
    for (const file of ['package.json', 'tsconfig.json']) cpSync(join(ROOT, file), join(root, file));
    if (options.tsx) symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    else mkdirSync(join(root, 'node_modules'));
    return root;
  }
  afterAll(() => {
    for (const root of copies) rmSync(root, { recursive: true, force: true });
  });

  it('runs the bundle, silently, when dist/ is built from the sources as they are', async () => {
    const root = copy({ dist: true, tsx: true });
    // cpSync gives the copies new times, the sources after the bundle: as they were at the build.
    const built = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'dist/cli.mjs'), built, built);
    const { stdout, stderr, code } = await run(process.execPath, join(root, 'local/bin/dunghan.mjs'), DUE);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout).dueAt).toBe(DUE_AT);
  });

  it('runs the sources through tsx, saying so, when a source changed after the build', async () => {
    const root = copy({ dist: true, tsx: true });
    const built = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'dist/cli.mjs'), built, built);
    const edited = new Date(Date.now() + 120_000);
    utimesSync(join(root, 'local/commands/due.ts'), edited, edited);
    const { stdout, stderr, code } = await run(process.execPath, join(root, 'local/bin/dunghan.mjs'), DUE);
    expect(code).toBe(0);
    expect(stderr).toBe(
      'dunghan: dist/ is older than local/commands/due.ts, running the sources through tsx (`npm run build` makes the start fast)\n',
    );
    expect(JSON.parse(stdout).dueAt).toBe(DUE_AT);
  });

  it('runs the sources through tsx when there is no dist/', async () => {
    const root = copy({ dist: false, tsx: true });
    const { stdout, stderr, code } = await run(process.execPath, join(root, 'local/bin/dunghan.mjs'), DUE);
    expect(code).toBe(0);
    expect(stderr).toContain('dunghan: no dist/, running the sources through tsx');
    expect(JSON.parse(stdout).dueAt).toBe(DUE_AT);
  });

  it('says to run the build, exit 1, when there is no dist/ and no tsx', async () => {
    const root = copy({ dist: false, tsx: false });
    const { stdout, stderr, code } = await run(process.execPath, join(root, 'local/bin/dunghan.mjs'), DUE);
    expect({ code, stdout, stderr }).toEqual({
      code: 1,
      stdout: '',
      stderr: 'dunghan: dist/cli.mjs is missing; run `npm run build`\n',
    });
  });
});
