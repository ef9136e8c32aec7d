import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../local/cli.ts';

const BIN = fileURLToPath(new URL('../../local/bin/dunghan.mjs', import.meta.url));

async function run(node: string, bin: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(node, [bin, ...args]);
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
