import { dayFromIsoDate, startOfDay } from '../../functions/core/instant.ts';
import { SIMULATION_DEFAULTS } from '../commands/simulate.ts';
import type { ReplayResult } from '../replay.ts';
import { simulate } from './run.ts';

/**
 * The differential check's fingerprint of a simulated season: what the province would see (each dossier's
 * outcome and dates, each notice with its status and times), none of how the engine got there. A faster
 * engine, store or workflow must leave it unchanged for the same seed; counts that a redesign may
 * legitimately change (executions, state transitions, Lambda invocations, store reads and writes, open
 * executions) are left out on purpose.
 *
 * Everything in it is a function of the seed: notice ids are deterministic (dossier, kind, rung or step,
 * reschedule) and every instant is simulated time. Left out as not about outcomes: texts (they follow from
 * the rest and the templates), digest and batch ids, delivery logs.
 */

/**
 * 2,000 dossiers over the default season's 20 days (weekends, the Hùng Kings' day and 30/4-1/5 inside) at 100 a day:
 * long enough for every kind of notice, escalations up to rung 3, reschedules and supplement alarms to appear (10 days
 * of 200 leave most dossiers open, with no supplement alarm and no rung above 1), in under a minute on two cores.
 */
export interface SeasonRun {
  /** YYYY-MM-DD. */
  start: string;
  days: number;
  perDay: number;
  seed: number;
}

export const DIFFERENTIAL_RUN: SeasonRun = {
  start: SIMULATION_DEFAULTS.start,
  days: 20,
  perDay: 100,
  seed: SIMULATION_DEFAULTS.seed,
};

export const DOSSIER_FIELDS = [
  'dossierId',
  'status',
  'outcome',
  'finishedAt',
  'minutesLate',
  'statutoryDueAt',
  'dueAt',
  'responsibleUnitId',
] as const;
export const NOTICE_FIELDS = ['noticeId', 'kind', 'unitId', 'status', 'dueAt', 'at'] as const;
/** Per recipient, kind and instant: how many notices went by SMS and how many were folded (the daily cap). */
export const CAP_FIELDS = ['recipient kind at', 'sent', 'folded'] as const;

/**
 * A head's daily SMS cap gives its slots first come, first served: of notices to one recipient due at the
 * same instant, which dossier's gets the SMS and which is folded into the digest depends on the order the
 * executions run in (as on AWS). The rows therefore compare 'sent' and 'folded' as one status, and the cap
 * rows compare how many of each went to each recipient at each instant.
 */
const CAP_DECIDED = new Set(['sent', 'folded']);
const SENT_OR_FOLDED = 'sent or folded';

type Row = (string | number | null)[];

export interface Fingerprint {
  run: SeasonRun;
  dossiers: number;
  notices: number;
  noticesByKind: Record<string, number>;
  /** Keyed `kind status`. */
  noticesByKindStatus: Record<string, number>;
  stats: { failedExecutions: number; quarantinedDossiers: number; rejected: number };
  dossierFields: typeof DOSSIER_FIELDS;
  /** One tuple per dossier in `dossierFields` order, sorted by dossier id. */
  dossierRows: Row[];
  noticeFields: typeof NOTICE_FIELDS;
  /** One tuple per notice in `noticeFields` order, sorted by notice id ('sent' and 'folded' as one). */
  noticeRows: Row[];
  capFields: typeof CAP_FIELDS;
  /** One tuple per recipient, kind and instant with a notice sent or folded, in `capFields` order. */
  capRows: Row[];
}

// By UTF-16 code units, not localeCompare: the fixture's order must not depend on the machine's locale.
const byFirst = (a: Row, b: Row) => {
  const [x, y] = [String(a[0]), String(b[0])];
  return x < y ? -1 : x > y ? 1 : 0;
};

const countBy = (keys: string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const k of [...keys].sort()) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
};

export function fingerprintOf(result: ReplayResult, run: SeasonRun): Fingerprint {
  const dossierRows = result.dossiers.map((d) => DOSSIER_FIELDS.map((f) => d[f])).sort(byFirst);
  const noticeRows = result.notices
    .map((n) => NOTICE_FIELDS.map((f) => (f === 'status' && CAP_DECIDED.has(n.status) ? SENT_OR_FOLDED : n[f])))
    .sort(byFirst);
  const cap = new Map<string, [number, number]>();
  for (const n of result.notices) {
    if (!CAP_DECIDED.has(n.status)) continue;
    const k = `${n.unitId} ${n.kind} ${n.at}`;
    const c = cap.get(k) ?? [0, 0];
    c[n.status === 'sent' ? 0 : 1]++;
    cap.set(k, c);
  }
  const capRows = [...cap].map(([k, [sent, folded]]) => [k, sent, folded]).sort(byFirst);
  return {
    run,
    dossiers: dossierRows.length,
    notices: noticeRows.length,
    noticesByKind: countBy(result.notices.map((n) => n.kind)),
    noticesByKindStatus: countBy(result.notices.map((n) => `${n.kind} ${n.status}`)),
    stats: {
      failedExecutions: result.stats.failedExecutions,
      quarantinedDossiers: result.stats.quarantinedDossiers,
      rejected: result.rejected.length,
    },
    dossierFields: DOSSIER_FIELDS,
    dossierRows,
    noticeFields: NOTICE_FIELDS,
    noticeRows,
    capFields: CAP_FIELDS,
    capRows,
  };
}

/** Runs the season of `run` through `simulate()` (nothing written) and fingerprints it. */
export async function runFingerprint(run: SeasonRun = DIFFERENTIAL_RUN): Promise<Fingerprint> {
  const { result } = await simulate({
    start: startOfDay(dayFromIsoDate(run.start)),
    days: run.days,
    perDay: run.perDay,
    seed: run.seed,
    out: null,
  });
  return fingerprintOf(result, run);
}

/** JSON with one tuple per line, so that a re-recording reads as a short git diff. */
export function serialiseFingerprint(fp: Fingerprint): string {
  const rows = (rs: Row[]) => (rs.length ? `[\n${rs.map((r) => `    ${JSON.stringify(r)}`).join(',\n')}\n  ]` : '[]');
  const lines = Object.entries(fp).map(([key, value]) => {
    const text = key.endsWith('Rows') ? rows(value as Row[]) : JSON.stringify(value);
    return `  ${JSON.stringify(key)}: ${text}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

/** Differences between two flat records of counts, one line each: `noticesByKind["digest"]: expected 4, actual 5`. */
function countDifferences(name: string, expected: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return keys
    .filter((k) => JSON.stringify(expected[k]) !== JSON.stringify(actual[k]))
    .map((k) => `${name}[${JSON.stringify(k)}]: expected ${show(expected[k])}, actual ${show(actual[k])}`);
}

/** Rows matched by id (their first field): the ids missing, the ids added, and the fields that changed. */
function rowDifferences(name: string, fields: readonly string[], expected: Row[], actual: Row[], limit: number) {
  const actualById = new Map(actual.map((r) => [String(r[0]), r]));
  const expectedIds = new Set(expected.map((r) => String(r[0])));
  const lines: string[] = [];
  let differing = 0;
  for (const e of expected) {
    const id = String(e[0]);
    const a = actualById.get(id);
    const changed = a
      ? fields.flatMap((f, i) =>
          show(e[i]) === show(a[i]) ? [] : [`${f} expected ${show(e[i])}, actual ${show(a[i])}`],
        )
      : [];
    if (a && changed.length === 0) continue;
    if (differing++ >= limit) continue;
    lines.push(a ? `  ${id}: ${changed.join('; ')}` : `  ${id}: missing (expected ${show(e)})`);
  }
  for (const a of actual) {
    const id = String(a[0]);
    if (expectedIds.has(id)) continue;
    if (differing++ >= limit) continue;
    lines.push(`  ${id}: unexpected (actual ${show(a)})`);
  }
  if (differing === 0) return [];
  const more = differing > limit ? `; the first ${limit} shown` : '';
  const counts = `${expected.length} expected, ${actual.length} actual`;
  return [`${name}: ${differing} differ (${counts}${more}); fields ${fields.join(', ')}`, ...lines];
}

/**
 * What differs between the recorded fingerprint and a new one, readably: the run, the counts, then the first
 * `limit` dossiers and notices that differ with expected against actual. Empty when they agree.
 */
export function fingerprintDifferences(expected: Fingerprint, actual: Fingerprint, limit = 20): string[] {
  if (JSON.stringify(expected.run) !== JSON.stringify(actual.run))
    return [`run: expected ${show(expected.run)}, actual ${show(actual.run)} (not the same season)`];
  for (const f of ['dossierFields', 'noticeFields', 'capFields'] as const)
    if (show(expected[f]) !== show(actual[f]))
      return [`${f}: expected ${show(expected[f])}, actual ${show(actual[f])} (recorded with other fields)`];
  const totals = { dossiers: expected.dossiers, notices: expected.notices, ...expected.stats };
  return [
    ...countDifferences('total', totals, { dossiers: actual.dossiers, notices: actual.notices, ...actual.stats }),
    ...countDifferences('noticesByKind', expected.noticesByKind, actual.noticesByKind),
    ...countDifferences('noticesByKindStatus', expected.noticesByKindStatus, actual.noticesByKindStatus),
    ...rowDifferences('dossiers', expected.dossierFields, expected.dossierRows, actual.dossierRows, limit),
    ...rowDifferences('notices', expected.noticeFields, expected.noticeRows, actual.noticeRows, limit),
    ...rowDifferences('cap', expected.capFields, expected.capRows, actual.capRows, limit),
  ];
}
