import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NOTICE_KINDS } from '../../functions/core/policy.ts';
import { OUTPUT_FILES } from '../../local/simulate/run.ts';
import { tempDir } from '../support/temp.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the README quick start', () => {
  const outDir = tempDir('dunghan-start-');
  it('`npm start` simulates the default season and shows every kind of notice (the package bin is not on the PATH of its own npm scripts)', async () => {
    const out = outDir();
    const { stdout } = await promisify(execFile)('npm', ['start', '--silent', '--', '--out', out], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toContain('dunghan simulate: 20 days from 2026-04-20, about 50 dossiers a day (1000 dossiers)');
    expect(stdout).toContain('TOÀN TỈNH (province)');
    const sent = /Notices sent: (.*) \(/.exec(stdout)![1]!;
    for (const kind of NOTICE_KINDS)
      expect(Number(new RegExp(`${kind.replace('.', '\\.')} (\\d+)`).exec(sent)?.[1]), kind).toBeGreaterThan(0);
    // Escalations climb the ladder: rung 2 appears in the default season.
    const [, r2] = /TOÀN TỈNH \(province\).* (\d+)\/(\d+)\/(\d+) /.exec(stdout)!.slice(1).map(Number);
    expect(r2).toBeGreaterThan(0);
    expect(stdout).toMatch(
      /Engine: \d+ executions \(\d+ ended parked at a long wait\), \d+ state transitions, \d+ Lambda invocations, 0 failed/,
    );
    for (const file of Object.values(OUTPUT_FILES)) expect(existsSync(join(out, file)), file).toBe(true);
  }, 300_000);
});
