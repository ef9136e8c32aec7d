// npm run bench -- <name>   runs bench/<name>.ts; each benchmark prints a final JSON line.
const BENCHES = [
  'calendar',
  'cli',
  'cost',
  'differential',
  'dvcqg',
  'profile',
  'replay',
  'report',
  'serve-load',
  'simulate',
] as const;
const name = process.argv[2];
if (!BENCHES.includes(name as (typeof BENCHES)[number])) {
  console.error(`usage: npm run bench -- <${BENCHES.join('|')}>`);
  process.exit(2);
}
await import(`./${name}.ts`);
