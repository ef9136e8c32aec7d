/**
 * The differential check: a 2,000-dossier season (`DIFFERENTIAL_RUN`) through `simulate()`, fingerprinted
 * (each dossier's outcome and dates, each notice's status and times, counts by kind) and compared with the
 * committed fixture that `tests/workflow/differential.test.ts` also checks.
 *
 *   npm run bench -- differential            compare; prints the first differences, exits 1 on any
 *   npm run bench -- differential --write    record the fixture anew
 *
 * Record only when a change of outcomes or notices is intended, and say so in the commit: an engine, store
 * or workflow change for speed must leave the fixture as it is (docs/scale.md, "Differential check").
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type Fingerprint,
  fingerprintDifferences,
  runFingerprint,
  serialiseFingerprint,
} from '../local/simulate/fingerprint.ts';

const FIXTURE = fileURLToPath(new URL('../tests/workflow/fixtures/differential-2000.json', import.meta.url));
const write = process.argv.slice(3).includes('--write');

const started = process.hrtime.bigint();
const actual = await runFingerprint();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

let differences: string[] = [];
if (write) {
  writeFileSync(FIXTURE, serialiseFingerprint(actual));
  console.error(`recorded ${FIXTURE} (${statSync(FIXTURE).size} bytes)`);
} else {
  const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fingerprint;
  differences = fingerprintDifferences(expected, actual);
  console.error(differences.length ? differences.join('\n') : `identical to ${FIXTURE}`);
}
console.log(
  JSON.stringify({
    bench: 'differential',
    mode: write ? 'write' : 'compare',
    identical: write ? null : differences.length === 0,
    dossiers: actual.dossiers,
    notices: actual.notices,
    noticesByKind: actual.noticesByKind,
    stats: actual.stats,
    fixtureBytes: statSync(FIXTURE).size,
    seconds: Math.round(seconds * 10) / 10,
    maxRssMb,
    node: process.version,
  }),
);
if (differences.length) process.exitCode = 1;
