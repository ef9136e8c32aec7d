import type { WorkingCalendar } from './calendar.ts';
import { deriveClock } from './clock.ts';
import { MINUTE_MS, type Instant } from './instant.ts';
import { controlSheet, type DossierState } from './dossier.ts';

/**
 * The escalation policy: which notices a dossier owes at an instant, and when to look again.
 * Every notice has a deterministic id so that it is written once (conditional put) whatever retries,
 * replays or duplicate checkpoints happen.
 */

export const NOTICE_KINDS = ['step.warning', 'head.escalation'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface PolicyConfig {
  /** Share of a step's budget after which its unit is warned (priority citizens: the second figure). */
  warningShare: number;
  priorityWarningShare: number;
  /** Working days after the due instant for escalation rungs 1, 2, 3. */
  escalationDays: readonly [number, number, number];
  /** Longest sleep between checkpoints (the local engine cannot wait over 24.8 days). */
  maxCheckpointSeconds: number;
}

export const DEFAULT_POLICY: PolicyConfig = {
  warningShare: 0.75,
  priorityWarningShare: 0.5,
  escalationDays: [0, 2, 5],
  maxCheckpointSeconds: 7 * 24 * 3600,
};

export interface UnitRef {
  unitId: string;
  parentUnitId: string | null;
}

export interface PlannedNotice {
  noticeId: string;
  kind: NoticeKind;
  rung: number | null;
  dossierId: string;
  stepId: string | null;
  /** The unit whose head (or officers, for a step warning) receives it. */
  unitId: string;
  /** The unit the notice is about (at fault, or holding the step). */
  subjectUnitId: string;
  /** When the policy makes it due. */
  dueAt: Instant;
}

export interface Evaluation {
  due: PlannedNotice[];
  /** The next instant at which something may become due; null when nothing more will. */
  nextAt: Instant | null;
}

/**
 * Evaluates the policy for a dossier at `now`, as seen by the checkpoint of one step (its own warning
 * plus the dossier-level notices), or by the sweeper (every step) when `stepId` is null.
 */
export function evaluatePolicy(
  calendar: WorkingCalendar,
  state: DossierState,
  units: ReadonlyMap<string, UnitRef>,
  now: Instant,
  stepId: string | null,
  config: PolicyConfig = DEFAULT_POLICY,
): Evaluation {
  const due: PlannedNotice[] = [];
  const future: Instant[] = [];
  // Nothing is said about a dossier once its processing is finished or it is closed.
  if (state.finishedAt !== null && state.finishedAt <= now) return { due, nextAt: null };
  const version = state.apology ? 1 : 0;
  const plan = (n: Omit<PlannedNotice, 'noticeId' | 'dossierId'>) => {
    const notice = { ...n, dossierId: state.dossierId, noticeId: noticeId(state.dossierId, n.kind, n.stepId ?? `r${n.rung}`, version) };
    if (n.dueAt <= now) due.push(notice);
    else future.push(n.dueAt);
  };

  const share = state.priority ? config.priorityWarningShare : config.warningShare;
  for (const step of state.steps) {
    if (stepId !== null && step.stepId !== stepId) continue;
    if (step.clock === null || step.completedAt !== null) continue;
    const c = deriveClock(calendar, step.clock, now);
    const threshold = share * c.budgetMinutes;
    const warnAt =
      c.consumedMinutes >= threshold
        ? calendar.instantAtWorked(calendar.workedBefore(now) - (c.consumedMinutes - threshold) * MINUTE_MS)
        : c.paused
          ? null
          : calendar.addWorkingMinutes(now, threshold - c.consumedMinutes);
    if (warnAt !== null) plan({ kind: 'step.warning', rung: null, stepId: step.stepId, unitId: step.unitId, subjectUnitId: step.unitId, dueAt: warnAt });
  }

  const sheet = controlSheet(calendar, state, now);
  const statutoryDue = sheet.statutoryDueAt;
  if (statutoryDue !== null) {
    const subject = sheet.responsibleUnitId ?? sheet.holderUnitId ?? state.steps[0]!.unitId;
    const ladder = escalationLadder(subject, units);
    config.escalationDays.forEach((days, i) => {
      const at = days === 0 ? statutoryDue : calendar.closeOfNthWorkingDayAfter(statutoryDue, days);
      const unitId = ladder[Math.min(i, ladder.length - 1)]!;
      plan({ kind: 'head.escalation', rung: i + 1, stepId: null, unitId, subjectUnitId: subject, dueAt: at });
    });
  }
  return { due, nextAt: future.length ? Math.min(...future) : null };
}

/** The responsible unit, its parent, then the root (the provincial office). */
export function escalationLadder(unitId: string, units: ReadonlyMap<string, UnitRef>): string[] {
  const chain = [unitId];
  const seen = new Set(chain);
  let cur = units.get(unitId)?.parentUnitId ?? null;
  while (cur !== null && !seen.has(cur)) {
    chain.push(cur);
    seen.add(cur);
    cur = units.get(cur)?.parentUnitId ?? null;
  }
  // Rung 2 goes to the parent, rung 3 to the root, whatever the depth.
  return chain.length <= 2 ? chain : [chain[0]!, chain[1]!, chain[chain.length - 1]!];
}

export function noticeId(dossierId: string, kind: NoticeKind, subject: string, version: number): string {
  return `${dossierId}/${kind}/${subject}/v${version}`;
}

/** Seconds until the next checkpoint: at least 1, at most the configured cap. */
export function checkpointSeconds(nextAt: Instant | null, now: Instant, config: PolicyConfig = DEFAULT_POLICY): number {
  if (nextAt === null) return config.maxCheckpointSeconds;
  return Math.min(config.maxCheckpointSeconds, Math.max(1, Math.ceil((nextAt - now) / 1000)));
}
