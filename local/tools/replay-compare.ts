import type { ReplayResult } from '../replay.ts';

/**
 * Two replays of the same dossiers compared dossier by dossier (a native stream and its national
 * portal export): the outcome fields that must agree, and the notices by kind.
 */

export const OUTCOME_FIELDS = [
  'status',
  'outcome',
  'minutesLate',
  'finishedAt',
  'statutoryDueAt',
  'responsibleUnitId',
] as const;

export interface ReplayComparison {
  dossiers: number;
  /** Dossiers whose every outcome field agrees. */
  same: number;
  /** Per field, the dossiers that differ. */
  differing: Record<(typeof OUTCOME_FIELDS)[number] | 'missing', number>;
  /** The first differences, for reading. */
  examples: { dossierId: string; field: string; left: unknown; right: unknown }[];
  notices: Record<string, [number, number]>;
  /** Notices alike in id, unit, status and instant sent, and those of one replay only. */
  sameNotices: number;
  noticesOnlyLeft: number;
  noticesOnlyRight: number;
}

export function compareReplays(left: ReplayResult, right: ReplayResult): ReplayComparison {
  const rightById = new Map(right.dossiers.map((d) => [d.dossierId, d]));
  const differing = Object.fromEntries(
    [...OUTCOME_FIELDS, 'missing'].map((f) => [f, 0]),
  ) as ReplayComparison['differing'];
  const examples: ReplayComparison['examples'] = [];
  let same = 0;
  for (const l of left.dossiers) {
    const r = rightById.get(l.dossierId);
    if (!r) {
      differing.missing++;
      if (examples.length < 20)
        examples.push({ dossierId: l.dossierId, field: 'missing', left: l.status, right: null });
      continue;
    }
    let all = true;
    for (const f of OUTCOME_FIELDS) {
      if (l[f] === r[f]) continue;
      all = false;
      differing[f]++;
      if (examples.length < 20) examples.push({ dossierId: l.dossierId, field: f, left: l[f], right: r[f] });
    }
    if (all) same++;
  }
  const leftIds = new Set(left.dossiers.map((d) => d.dossierId));
  differing.missing += right.dossiers.filter((d) => !leftIds.has(d.dossierId)).length;
  const notices: Record<string, [number, number]> = {};
  for (const [i, r] of [left, right].entries())
    for (const n of r.notices) {
      const k = `${n.kind}:${n.status}`;
      const counts = notices[k] ?? [0, 0];
      counts[i === 0 ? 0 : 1] += 1;
      notices[k] = counts;
    }
  const key = (n: ReplayResult['notices'][number]) => `${n.noticeId}|${n.unitId}|${n.status}|${n.at}`;
  const leftKeys = new Set(left.notices.map(key));
  const rightKeys = new Set(right.notices.map(key));
  const sameNotices = [...leftKeys].filter((k) => rightKeys.has(k)).length;
  return {
    dossiers: left.dossiers.length,
    same,
    differing,
    examples,
    notices,
    sameNotices,
    noticesOnlyLeft: leftKeys.size - sameNotices,
    noticesOnlyRight: rightKeys.size - sameNotices,
  };
}
