import { type DossierState, foldDossier } from '../../core/dossier.ts';
import { formatInstant, type Instant } from '../../core/instant.ts';
import { evaluatePolicy, type PlannedNotice, type UnitRef } from '../../core/policy.ts';
import type { DossierEvent } from '../../schemas/events.ts';
import type { PolicySettings } from '../../schemas/policy.ts';
import type { NoticeRecord } from '../../schemas/records.ts';
import { unitChain } from '../dossiers.ts';
import type { Deps } from '../ports.ts';

/**
 * The policy's view of a dossier at `now`: the events known for at least the decision delay, so that a
 * decision does not depend on whether a late delivery came just before or just after a checkpoint.
 * Returns the notices due and the next instant (in real time) worth a checkpoint.
 */
export async function decide(
  deps: Deps,
  { state: current, events }: { state: DossierState; events: DossierEvent[] },
  stepId: string | null,
  now: Instant,
  settings: PolicySettings,
): Promise<{ due: PlannedNotice[]; nextAt: Instant | null; delay: number }> {
  const delay = settings.decisionDelaySeconds * 1000;
  const asOf = now - delay;
  const settled = events.some((e) => e.at > asOf)
    ? foldDossier(
        deps.calendar,
        events.filter((e) => e.at <= asOf),
      )
    : current;
  const units = await policyUnits(deps, current);
  const office = deps.policy.provincialOfficeUnitId ?? null;
  let due: PlannedNotice[] = [];
  let nextAt: Instant | null = null;
  const earliest = (t: Instant | null) => {
    if (t !== null) nextAt = nextAt === null ? t + delay : Math.min(nextAt, t + delay);
  };
  if (settled) {
    const evaluation = evaluatePolicy(deps.calendar, settled, units, asOf, stepId, settings, office);
    due = evaluation.due;
    earliest(evaluation.nextAt);
  }
  // The latest events may move the next instant earlier (a resume, a completion opening a stage).
  earliest(evaluatePolicy(deps.calendar, current, units, now, stepId, settings, office).nextAt);
  return { due, nextAt, delay };
}

async function policyUnits(deps: Deps, state: DossierState): Promise<Map<string, UnitRef>> {
  const units = new Map<string, UnitRef>();
  for (const unitId of new Set(state.steps.map((s) => s.unitId))) {
    for (const [id, u] of await unitChain(deps, unitId)) units.set(id, u);
  }
  // The last rung above a unit without a parent (docs/law.md §2), once the province has upserted it.
  const office = deps.policy.provincialOfficeUnitId;
  if (office !== undefined && !units.has(office)) for (const [id, u] of await unitChain(deps, office)) units.set(id, u);
  return units;
}

/** A planned notice as the store keeps it: pending, with its instants at +07:00. */
export function noticeRecord(n: PlannedNotice, createdAt: string): NoticeRecord {
  return {
    noticeId: n.noticeId,
    dossierId: n.dossierId,
    kind: n.kind,
    rung: n.rung,
    stepId: n.stepId,
    unitId: n.unitId,
    subjectUnitId: n.subjectUnitId,
    audience: n.audience,
    dueAt: formatInstant(n.dueAt),
    sendAfter: formatInstant(n.sendAfter),
    version: n.version,
    createdAt,
    status: 'pending',
  };
}
