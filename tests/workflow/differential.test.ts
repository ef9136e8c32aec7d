import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DIFFERENTIAL_RUN,
  type Fingerprint,
  fingerprintDifferences,
  runFingerprint,
} from '../../local/simulate/fingerprint.ts';

// The differential check (docs/scale.md): 2,000 dossiers of the synthetic province through the real path
// (intake handler, the ASL on the local engine, the store, the outbox), fingerprinted, against the fixture
// recorded on the engine path as it was. A change for speed must leave every outcome and notice as it was;
// re-record (`npm run bench -- differential --write`) only when a change of outcomes is intended.
const FIXTURE = new URL('./fixtures/differential-2000.json', import.meta.url);

describe('the differential check', () => {
  it('gives every dossier the outcome and dates, and every notice the status and times, recorded', async () => {
    const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fingerprint;
    const actual = await runFingerprint(DIFFERENTIAL_RUN);
    const differences = fingerprintDifferences(expected, actual);
    const message = [
      'the season differs from tests/workflow/fixtures/differential-2000.json:',
      ...differences,
      'Re-record (npm run bench -- differential --write) only if the change of outcomes is intended.',
      'lines of differences',
    ].join('\n');
    expect(differences.length, message).toBe(0);
    expect(actual.dossiers).toBe(2000);
  }, 300_000);
});
