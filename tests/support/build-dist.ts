import { buildAll } from '../../local/tools/build.ts';

/**
 * vitest globalSetup: the tests that run `local/bin/dunghan.mjs` run dist/, so dist/ is built from the
 * sources as they are before any test runs (under a second; `npm ci` builds too, in `prepare`).
 */
export default async function setup(): Promise<void> {
  await buildAll();
}
