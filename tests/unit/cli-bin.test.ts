import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../local/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'local/bin/dunghan.mjs');
const DUE = ['due', '--received', '2026-02-12T14:00:00+07:00', '--limit', '5 working days'];
const DUE_AT = '2026-02-26T17:00:00+07:00';

/** The environment of a `dunghan` that an operator starts (not the child of another one). */
function operatorEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DUNGHAN_HEAP_SET;
  delete env.DUNGHAN_DEBUG;
  return env;
}

async function run(node: string, bin: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(node, [bin, ...args], { env: operatorEnv() });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('dunghan --help', () => {
  it('lists each command with its own module’s summary, without loading the modules', async () => {
    for (const [name, entry] of Object.entries(COMMANDS)) expect((await entry.load()).summary, name).toBe(entry.summary);
    const { stdout, code } = await run(process.execPath, BIN, ['--help']);
    expect(code).toBe(0);
    for (const [name, entry] of Object.entries(COMMANDS)) expect(stdout).toContain(`  ${name.padEnd(8)} ${entry.summary}`);
  });

  it('an unknown command is bad input, even one named like an Object property', async () => {
    const { stderr, code } = await run(process.execPath, BIN, ['constructor']);
    expect(code).toBe(2);
    expect(stderr).toContain('dunghan: unknown command "constructor"');
  });
});

describe('the bin without a current build', () => {
  // A copy of the project's sources with the bin; node_modules is the project's (tsx) or an empty one.
  const copies: string[] = [];
  function copy(options: { dist: boolean; tsx: boolean }): string {
    const root = mkdtempSync(join(tmpdir(), 'dunghan-bin-'));
    copies.push(root);
    for (const dir of ['local', 'functions', 'data', 'workflows', ...(options.dist ? ['dist'] : [])]) cpSync(join(ROOT, dir), join(root, dir), { recursive: true });
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
    expect(stderr).toBe('dunghan: dist/ is older than local/commands/due.ts, running the sources through tsx (`npm run build` makes the start fast)\n');
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
    expect({ code, stdout, stderr }).toEqual({ code: 1, stdout: '', stderr: 'dunghan: dist/cli.mjs is missing; run `npm run build`\n' });
  });
});
