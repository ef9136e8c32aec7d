import type { ControlSheet } from '../core/control-sheet.ts';
import { formatInstant, type Instant } from '../core/instant.ts';

/** The control sheet (Form 06) as the API and the command line show it: instants at +07:00. */
export function presentSheet(sheet: ControlSheet) {
  const iso = (t: Instant | null) => (t === null ? null : formatInstant(t));
  return {
    dossierId: sheet.dossierId,
    procedureCode: sheet.procedureCode,
    status: sheet.status,
    receivedAt: iso(sheet.receivedAt),
    dueAt: iso(sheet.dueAt),
    statutoryDueAt: iso(sheet.statutoryDueAt),
    finishedAt: iso(sheet.finishedAt),
    outcome: sheet.outcome,
    minutesLate: sheet.minutesLate,
    responsibleUnitId: sheet.responsibleUnitId,
    holderUnitId: sheet.holderUnitId,
    steps: sheet.steps.map((s) => ({
      stepId: s.stepId,
      unitId: s.unitId,
      stage: s.stage,
      handedOverAt: iso(s.handedOverAt),
      dueAt: iso(s.dueAt),
      completedAt: iso(s.completedAt),
      result: s.result,
    })),
  };
}
