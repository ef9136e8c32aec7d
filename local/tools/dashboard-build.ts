import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * The dashboard as static files: index.html, style.css and app.js (the TypeScript of dashboard/ and Apache ECharts,
 * bundled and minified for browsers: nothing is fetched from anywhere but the site itself). `dunghan serve` serves
 * them at /; on AWS they go to the site's bucket behind CloudFront.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DASHBOARD_SOURCE = join(ROOT, 'dashboard');
export const DASHBOARD_DIST = join(ROOT, 'dist', 'dashboard');

export async function dashboardFiles(outdir = DASHBOARD_DIST): Promise<{ path: string; contents: Uint8Array }[]> {
  const bundle = await build({
    absWorkingDir: ROOT,
    entryPoints: { app: 'dashboard/app.ts' },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
  });
  const copied = ['index.html', 'style.css'].map((name) => ({
    path: join(outdir, name),
    contents: new Uint8Array(readFileSync(join(DASHBOARD_SOURCE, name))),
  }));
  return [...bundle.outputFiles.map((f) => ({ path: f.path, contents: f.contents })), ...copied];
}

/** Writes the dashboard to `outdir` (a test's folder, or dist/dashboard). */
export async function buildDashboard(outdir = DASHBOARD_DIST): Promise<string> {
  for (const f of await dashboardFiles(outdir)) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.contents);
  }
  return outdir;
}
