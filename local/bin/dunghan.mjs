#!/usr/bin/env node
// The `dunghan` command. TypeScript sources run through tsx, so there is no build step.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The local workflow engine needs Node 22 (aws-local-stepfunctions uses Promise.withResolvers). npm
// scripts and npx find the project's own Node 22 (the `node` devDependency); a bare `node` may be an
// older one: hand over to the project's.
const major = Number(process.versions.node.split('.')[0]);
const projectNode = fileURLToPath(new URL('../../node_modules/node/bin/node', import.meta.url));
if (major < 22 && existsSync(projectNode)) {
  const child = spawnSync(projectNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}
if (major < 22) {
  console.error(`dunghan: needs Node.js 22 or later (this is ${process.version}); run \`npm ci\` to install the project's own`);
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli.ts');
process.exitCode = await main(process.argv.slice(2));
