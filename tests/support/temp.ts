import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A folder in the system's temp folder, made at its first use and removed when the test file (or the describe block
 * this is called in) ends. Call it at collection, not inside a test or a hook. Made lazily because vitest runs no
 * hook of a block whose tests are all skipped (the browser tests on a machine without Chromium): nothing is left.
 */
export function tempDir(prefix: string): () => string {
  let dir: string | undefined;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    dir ??= mkdtempSync(join(tmpdir(), prefix));
    return dir;
  };
}
