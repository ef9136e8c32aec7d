import { describe, expect, it } from 'vitest';
import {
  CAP_FIELDS,
  DIFFERENTIAL_RUN,
  DOSSIER_FIELDS,
  type Fingerprint,
  fingerprintDifferences,
  fingerprintOf,
  NOTICE_FIELDS,
} from '../../local/simulate/fingerprint.ts';

// The differential check's comparison names the first differences readably (the check itself runs in
// tests/workflow/differential.test.ts).
const AT = '2026-04-21T17:00:00+07:00';
const base = (): Fingerprint => ({
  run: DIFFERENTIAL_RUN,
  dossiers: 2,
  notices: 1,
  noticesByKind: { 'step.warning': 1 },
  noticesByKindStatus: { 'step.warning folded': 1 },
  stats: { failedExecutions: 0, quarantinedDossiers: 0, rejected: 0 },
  dossierFields: DOSSIER_FIELDS,
  dossierRows: [
    ['HS-000001', 'resolved', 'early', AT, 0, AT, AT, null],
    ['HS-000002', 'in_progress', null, null, null, AT, AT, null],
  ],
  noticeFields: NOTICE_FIELDS,
  noticeRows: [['HS-000002/step.warning/a', 'step.warning', 'xa', 'sent or folded', AT, AT]],
  capFields: CAP_FIELDS,
  capRows: [[`xa step.warning ${AT}`, 0, 1]],
});

describe('fingerprintDifferences', () => {
  it('is empty for equal fingerprints', () => {
    expect(fingerprintDifferences(base(), base())).toEqual([]);
  });

  it('names the counts, the dossier fields and the notices that differ, expected against actual', () => {
    const actual = base();
    actual.dossierRows[1] = ['HS-000002', 'resolved', 'late', AT, 12, AT, AT, 'xa'];
    actual.noticeRows = [['HS-000002/citizen.apology/v1', 'citizen.apology', 'xa', 'sent or folded', AT, AT]];
    actual.noticesByKind = { 'citizen.apology': 1 };
    expect(fingerprintDifferences(base(), actual)).toEqual([
      'noticesByKind["citizen.apology"]: expected (absent), actual 1',
      'noticesByKind["step.warning"]: expected 1, actual (absent)',
      'dossiers: 1 differ (2 expected, 2 actual); fields dossierId, status, outcome, finishedAt, minutesLate, statutoryDueAt, dueAt, responsibleUnitId',
      `  HS-000002: status expected "in_progress", actual "resolved"; outcome expected null, actual "late"; finishedAt expected null, actual "${AT}"; minutesLate expected null, actual 12; responsibleUnitId expected null, actual "xa"`,
      'notices: 2 differ (1 expected, 1 actual); fields noticeId, kind, unitId, status, dueAt, at',
      `  HS-000002/step.warning/a: missing (expected ["HS-000002/step.warning/a","step.warning","xa","sent or folded","${AT}","${AT}"])`,
      `  HS-000002/citizen.apology/v1: unexpected (actual ["HS-000002/citizen.apology/v1","citizen.apology","xa","sent or folded","${AT}","${AT}"])`,
    ]);
  });

  it('shows at most `limit` rows, and says how many differ', () => {
    const actual = base();
    actual.dossierRows = actual.dossierRows.map((r) => [r[0]!, 'withdrawn', ...r.slice(2)]);
    const lines = fingerprintDifferences(base(), actual, 1);
    expect(lines).toEqual([
      'dossiers: 2 differ (2 expected, 2 actual; the first 1 shown); fields dossierId, status, outcome, finishedAt, minutesLate, statutoryDueAt, dueAt, responsibleUnitId',
      '  HS-000001: status expected "resolved", actual "withdrawn"',
    ]);
  });

  it('refuses to compare another season or other fields', () => {
    expect(fingerprintDifferences(base(), { ...base(), run: { ...DIFFERENTIAL_RUN, seed: 7 } })[0]).toMatch(
      /^run: .* \(not the same season\)$/,
    );
    const other = { ...base(), noticeFields: ['noticeId', 'kind'] } as unknown as Fingerprint;
    expect(fingerprintDifferences(base(), other)[0]).toMatch(/^noticeFields: .* \(recorded with other fields\)$/);
  });

  it('lets simultaneous notices to one head trade the SMS slot of the daily cap, and catches any other change', () => {
    const notice = (dossierId: string, status: string, at = AT) => ({
      noticeId: `${dossierId}/apology.due/dossier/v0`,
      kind: 'apology.due',
      unitId: 'xa',
      status,
      dueAt: AT,
      at,
    });
    const season = (notices: ReturnType<typeof notice>[]) =>
      fingerprintOf(
        {
          dossiers: [],
          notices,
          rejected: [],
          stats: { failedExecutions: 0, quarantinedDossiers: 0 },
        } as unknown as Parameters<typeof fingerprintOf>[0],
        DIFFERENTIAL_RUN,
      );
    const recorded = season([notice('HS-1', 'sent'), notice('HS-2', 'folded')]);
    expect(fingerprintDifferences(recorded, season([notice('HS-1', 'folded'), notice('HS-2', 'sent')]))).toEqual([]);
    expect(fingerprintDifferences(recorded, season([notice('HS-1', 'sent'), notice('HS-2', 'sent')]))).toContain(
      `  xa apology.due ${AT}: sent expected 1, actual 2; folded expected 1, actual 0`,
    );
    const later = '2026-04-21T17:05:00+07:00';
    expect(
      fingerprintDifferences(recorded, season([notice('HS-1', 'folded'), notice('HS-2', 'sent', later)])),
    ).not.toEqual([]);
  });
});
