/**
 * npm run build   bundles the `dunghan` command into dist/ (what local/bin/dunghan.mjs runs), and the
 * Lambda entries (functions/main/) into dist/functions/ as a check that they bundle (`cdk synth`
 * bundles them itself).
 *
 * dist/cli.mjs is local/cli.ts as ESM for Node 22, split into chunks: each command's module is
 * imported when it runs, so `dunghan --help` loads 3 KB and `dunghan due` about 1 MB (the clock, the
 * reference data, zod and libphonenumber-js's metadata, which the schemas use), not the local stack,
 * the engine and the AWS SDK. The reference data (data/) is imported as JSON by
 * functions/reference/data.ts and local/simulate/province.ts: it is inside the bundle, read from no
 * path at run time.
 *
 * Left outside the bundle, loaded from node_modules at run time:
 * - dynalite and the level stores (memory-level, classic-level, abstract-level, …): dynalite is loaded
 *   by local/dynalite-handler.ts through createRequire (its actions one file at a time, by name), and
 *   classic-level has a native addon;
 * - aws-local-stepfunctions: a large prebuilt ESM bundle of its own (with its own asl-validator and
 *   jsonpath copies), nothing to gain by bundling it again.
 * Everything else (zod, the AWS SDK, powertools, middy, …) is bundled: fewer files to resolve and read
 * at each start. CommonJS dependencies inside the ESM bundle get `require` from createRequire (banner).
 */

import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { dashboardFiles } from './dashboard-build.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(ROOT, 'dist');

export const CLI_EXTERNAL = [
  'dynalite',
  'dynalite/*',
  'memory-level',
  'classic-level',
  'abstract-level',
  'level',
  'level-*',
  'browser-level',
  'aws-local-stepfunctions',
];

const COMMON: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
  metafile: true,
};

/** The bundles, written to dist/ (files of an earlier build that are not rebuilt are removed). */
export async function buildAll(): Promise<{ files: string[]; metafile: Metafile }> {
  const [cli, handlers, dashboard] = await Promise.all([
    build({
      ...COMMON,
      entryPoints: { cli: 'local/cli.ts' },
      outdir: DIST,
      format: 'esm',
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      outExtension: { '.js': '.mjs' },
      external: CLI_EXTERNAL,
      banner: {
        js: "import { createRequire as __dunghanCreateRequire } from 'node:module';\nconst require = __dunghanCreateRequire(import.meta.url);",
      },
    }),
    // As infra/constructs/function.ts has NodejsFunction bundle them: CommonJS, minified, the AWS SDK
    // from the Lambda runtime.
    build({
      ...COMMON,
      entryPoints: { api: 'functions/main/api.ts', tasks: 'functions/main/tasks.ts' },
      outdir: join(DIST, 'functions'),
      format: 'cjs',
      minify: true,
      outExtension: { '.js': '.cjs' },
      external: ['@aws-sdk/*'],
    }),
    dashboardFiles(),
  ]);
  // The project's own sources of the command, for the bin to notice an edit since this build.
  const sources = Object.keys(cli.metafile!.inputs)
    .filter((f) => !f.includes('node_modules/'))
    .sort();
  const outputs = [
    ...cli.outputFiles!,
    ...handlers.outputFiles!,
    ...dashboard,
    { path: join(DIST, 'sources.json'), contents: new TextEncoder().encode(`${JSON.stringify(sources, null, 1)}\n`) },
  ];
  // Chunks first, the entries last, each file renamed into place: a `dunghan` started during a build
  // loads either the old entry with its old chunks or the new one with the new.
  const entries = new Set([join(DIST, 'sources.json'), join(DIST, 'cli.mjs.map'), join(DIST, 'cli.mjs')]);
  const ordered = [
    ...outputs.filter((o) => !entries.has(o.path)),
    ...[...entries].map((e) => outputs.find((o) => o.path === e)!),
  ];
  for (const o of ordered) {
    mkdirSync(dirname(o.path), { recursive: true });
    writeFileSync(`${o.path}.${process.pid}.tmp`, o.contents);
    renameSync(`${o.path}.${process.pid}.tmp`, o.path);
  }
  const written = new Set(outputs.map((o) => o.path));
  for (const file of listFiles(DIST)) if (!written.has(file) && !file.endsWith('.tmp')) rmSync(file, { force: true });
  return {
    files: [...written].map((f) => relative(ROOT, f)).sort(),
    metafile: {
      inputs: { ...cli.metafile!.inputs, ...handlers.metafile!.inputs },
      outputs: { ...cli.metafile!.outputs, ...handlers.metafile!.outputs },
    },
  };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const { files, metafile } = await buildAll();
  const kb = (files: string[]) =>
    `${Math.round(files.reduce((sum, f) => sum + (metafile.outputs[f]?.bytes ?? 0), 0) / 1024).toLocaleString('en')} KB`;
  const chunks = files.filter((f) => f.startsWith('dist/chunks/') && f.endsWith('.mjs'));
  const handlers = files.filter((f) => f.startsWith('dist/functions/') && f.endsWith('.cjs'));
  console.log(
    `dunghan build: dist/cli.mjs and ${chunks.length} chunks (${kb(['dist/cli.mjs', ...chunks])}), ` +
      `${handlers.map((f) => `${f} (${kb([f])})`).join(', ')}, in ${Math.round(performance.now() - started)} ms`,
  );
}
