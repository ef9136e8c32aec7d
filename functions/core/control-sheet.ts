import type { WorkingCalendar } from './calendar.ts';
import { deriveClock } from './clock.ts';
import type { DossierState, DossierStatus, Outcome } from './dossier.ts';
import { dayOf, type Instant } from './instant.ts';

/**
 * The control sheet (Phiếu kiểm soát quá trình giải quyết hồ sơ, Form 06 of Circular 03/2025; see
 * docs/law.md §1): per step the unit, the hand-over, the step's due and its result, and for the
 * dossier its outcome against the statutory due and the unit at fault.
 */

export interface StepSheet {
  stepId: string;
  unitId: string;
  stage: number;
  handedOverAt: Instant | null;
  dueAt: Instant | null;
  completedAt: Instant | null;
  result: Outcome | null;
  /** Working minutes of the step's budget consumed at `now` (or at completion). */
  consumedMinutes: number;
  budgetMinutes: number;
}

export interface ControlSheet {
  dossierId: string;
  procedureCode: string;
  status: DossierStatus;
  receivedAt: Instant;
  /** The current derived due instant: pauses and a reschedule included; null while paused. */
  dueAt: Instant | null;
  /** The statutory due instant: pauses included, a reschedule not (lateness is judged against it). */
  statutoryDueAt: Instant | null;
  finishedAt: Instant | null;
  outcome: Outcome | null;
  minutesLate: number | null;
  responsibleUnitId: string | null;
  /** The unit holding the dossier now (the first open step), if any. */
  holderUnitId: string | null;
  steps: StepSheet[];
}

/** Early / on time / late: before the due day, on it by the due instant, after it (Form 06). */
export function judge(finishedAt: Instant, dueAt: Instant): Outcome {
  if (finishedAt > dueAt) return 'late';
  return dayOf(finishedAt) < dayOf(dueAt) ? 'early' : 'on_time';
}

/** The control sheet (Form 06) of a dossier at `now`. */
export function controlSheet(calendar: WorkingCalendar, state: DossierState, now: Instant): ControlSheet {
  const clock = deriveClock(calendar, state.clock, now);
  const statutory = deriveClock(calendar, { ...state.clock, extensions: [] }, now);
  const steps: StepSheet[] = state.steps.map((s) => {
    const until = s.completedAt ?? now;
    const c = s.clock ? deriveClock(calendar, s.clock, Math.max(until, s.handedOverAt ?? until)) : null;
    const stepDue = c?.dueAt ?? null;
    return {
      stepId: s.stepId,
      unitId: s.unitId,
      stage: s.stage,
      handedOverAt: s.handedOverAt,
      dueAt: stepDue,
      completedAt: s.completedAt,
      result: s.completedAt !== null && stepDue !== null ? judge(s.completedAt, stepDue) : null,
      consumedMinutes: c ? Math.round(c.consumedMinutes) : 0,
      budgetMinutes: c ? Math.round(c.budgetMinutes) : 0,
    };
  });
  const holder = steps.find((s) => s.handedOverAt !== null && s.completedAt === null) ?? null;
  let outcome: Outcome | null = null;
  let minutesLate: number | null = null;
  let responsible: string | null = null;
  const statutoryDueAt = statutory.dueAt;
  if (state.finishedAt !== null && statutoryDueAt !== null) {
    outcome = judge(state.finishedAt, statutoryDueAt);
    minutesLate = outcome === 'late' ? Math.round(calendar.workingMinutesBetween(statutoryDueAt, state.finishedAt)) : 0;
  }
  if (outcome === 'late' || (outcome === null && statutoryDueAt !== null && now > statutoryDueAt)) {
    responsible = responsibleUnit(steps, holder?.unitId ?? null);
  }
  return {
    dossierId: state.dossierId,
    procedureCode: state.procedureCode,
    status: state.status,
    receivedAt: state.receivedAt,
    dueAt: clock.dueAt,
    statutoryDueAt,
    finishedAt: state.finishedAt,
    outcome,
    minutesLate,
    responsibleUnitId: responsible,
    holderUnitId: holder?.unitId ?? null,
    steps,
  };
}

/** The unit whose step overran its budget most; else the one holding the dossier; else the last step's. */
function responsibleUnit(steps: readonly StepSheet[], holder: string | null): string | null {
  let worst: StepSheet | null = null;
  for (const s of steps) {
    const over = s.consumedMinutes - s.budgetMinutes;
    if (over > 0 && (worst === null || over > worst.consumedMinutes - worst.budgetMinutes)) worst = s;
  }
  return worst?.unitId ?? holder ?? steps[steps.length - 1]?.unitId ?? null;
}
