import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the README quick start', () => {
  it('`npm start` runs (the package bin is not on the PATH of its own npm scripts)', async () => {
    const { stdout } = await promisify(execFile)('npm', ['start', '--silent'], { cwd: ROOT });
    expect(stdout).toContain('dunghan: the dossier clock');
    expect(stdout).toContain('T5 26/02/2026 17:00');
  });
});
