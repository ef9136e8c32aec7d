import type { WorkingCalendar } from './calendar.ts';
import { type ControlSheet, controlSheet, judge } from './control-sheet.ts';
import type { DossierState, Outcome } from './dossier.ts';
import { type Instant, isoDateOf, startOfDay } from './instant.ts';
import type { NoticeKind } from './notice-kinds.ts';

/**
 * The province's appendix (letter 002, docs/law.md §8) and indicator 2.1 of Decision 766 (docs/law.md §5), per
 * receiving unit and for the province, from plain facts about dossiers and notices. The simulator and the report API
 * both call this, so their tables cannot disagree.
 *
 * The portal's rules (docs/law.md §5): a dossier is on time when its end of processing is at or before its appointment
 * (the statutory due: supplement time subtracted, the reschedule not); the end of processing is its first end state
 * (processed, else returned, else stopped, refused or withdrawn; the fold keeps the first); a dossier with more than one
 * supplement request counts as late; a dossier still open at the period's end is judged then.
 */

/** Indicator 2.1's points: the processing-progress group weighs 20 of 100 (Decision 766; docs/law.md §5). */
export const INDICATOR_21_POINTS = 20;
export const ESCALATION_RUNGS = 3;

/** What the report needs to know of a dossier. */
export interface ReportDossier {
  dossierId: string;
  /** The unit that received it: the first step of its path. */
  receivedBy: string;
  receivedAt: Instant;
  /** The appointment: pauses in, the reschedule out; null while paused (no due runs). */
  statutoryDueAt: Instant | null;
  /** The end of processing (the first end state); null while open. */
  finishedAt: Instant | null;
  /** Supplement requests applied (docs/law.md §5: more than one counts the dossier late). */
  supplementRequests: number;
  /** The unit that held it up, when it is late (the control sheet's). */
  responsibleUnitId: string | null;
}

/** A folded dossier's facts at `now`: the due and the unit at fault as its control sheet (Form 06) gives them. */
export function dossierFacts(calendar: WorkingCalendar, state: DossierState, now: Instant): ReportDossier {
  return factsOf(state, controlSheet(calendar, state, now));
}

export function factsOf(state: DossierState, sheet: ControlSheet): ReportDossier {
  return {
    dossierId: state.dossierId,
    receivedBy: state.steps[0]?.unitId ?? state.receivingUnitId ?? 'unknown',
    receivedAt: state.receivedAt,
    statutoryDueAt: sheet.statutoryDueAt,
    finishedAt: state.finishedAt,
    supplementRequests: state.supplementRequests,
    responsibleUnitId: sheet.responsibleUnitId,
  };
}

/** A notice as the report counts it: sent apologies and escalations, by the unit they are about. */
export interface ReportNotice {
  noticeId: string;
  kind: NoticeKind;
  rung: number | null;
  subjectUnitId: string;
  status: string;
}

export interface ReportUnit {
  unitId: string;
  name: string;
  /** The unit's kind as its source knows it (province, department, commune, …); 'total' for the province row. */
  kind: string;
}

export interface UnitRow extends ReportUnit {
  /** Dossiers received by the unit (the first step of their path). */
  received: number;
  /** Finished: processed, returned, refused or withdrawn by the end of the period. */
  finished: number;
  early: number;
  onTime: number;
  late: number;
  /** Late dossiers (finished late or open and overdue) that this unit held up. */
  lateCaused: number;
  open: number;
  openOverdue: number;
  /** Citizen apologies dunghan sent for this unit's delays; apologies its officers issued themselves. */
  apologiesSent: number;
  officerApologies: number;
  /** Head escalations about this unit's delays, by rung (1, 2, 3 and above). */
  escalations: number[];
  /** Indicator 2.1: (finished on time + open within time) / received, in %; null with nothing received. */
  indicator21: number | null;
  points: number | null;
}

/** The count columns of a row, in the appendix's order. */
export const COUNTS = [
  'received',
  'finished',
  'early',
  'onTime',
  'late',
  'lateCaused',
  'open',
  'openOverdue',
  'apologiesSent',
  'officerApologies',
] as const satisfies readonly (keyof UnitRow)[];

/** How the portal sees a dossier at the end of a period (docs/law.md §5); null: ended with no due running. */
export type Verdict = Outcome | 'open_within' | 'open_overdue' | null;

/** The portal's verdict on a dossier at `end` (the instant the period's last day ends). */
export function portalVerdict(d: ReportDossier, end: Instant): Verdict {
  const overDue = d.statutoryDueAt !== null && d.statutoryDueAt < end;
  if (d.finishedAt === null || d.finishedAt >= end) {
    // "Yêu cầu bổ sung hồ sơ hơn 01 lần thì tính quá hạn": already late while still open.
    return overDue || d.supplementRequests > 1 ? 'open_overdue' : 'open_within';
  }
  if (d.supplementRequests > 1) return 'late';
  return d.statutoryDueAt === null ? null : judge(d.finishedAt, d.statutoryDueAt);
}

export const emptyRow = (unit: ReportUnit): UnitRow => ({
  ...unit,
  received: 0,
  finished: 0,
  early: 0,
  onTime: 0,
  late: 0,
  lateCaused: 0,
  open: 0,
  openOverdue: 0,
  apologiesSent: 0,
  officerApologies: 0,
  escalations: Array(ESCALATION_RUNGS).fill(0) as number[],
  indicator21: null,
  points: null,
});

/** Indicator 2.1 and its points (docs/law.md §5), rounded to hundredths. */
export function scoreRow(row: UnitRow): void {
  if (row.received === 0) return;
  const withinTime = row.early + row.onTime + (row.open - row.openOverdue);
  row.indicator21 = Math.round((withinTime / row.received) * 10_000) / 100;
  row.points = Math.round((withinTime / row.received) * INDICATOR_21_POINTS * 100) / 100;
}

export interface UnitReport {
  units: UnitRow[];
  totals: UnitRow;
  /** The period's notices by status. */
  notices: { byStatus: Record<string, number> };
}

/** An escalation reached its head by SMS, in a batch SMS, or in the morning digest (past the daily cap). */
const REACHED = new Set(['sent', 'batched', 'folded']);

/**
 * The per-unit table: `dossiers` are those received in the period, `notices` those of the period, `end` the instant
 * the period's last day ends. Units not in `units` that dossiers or notices name get a row of their own.
 */
export function unitReport(input: {
  units: readonly ReportUnit[];
  dossiers: Iterable<ReportDossier>;
  notices: Iterable<ReportNotice>;
  officerApologies: ReadonlyMap<string, number>;
  end: Instant;
  provinceName: string;
}): UnitReport {
  const rows = new Map(input.units.map((u) => [u.unitId, emptyRow(u)]));
  const row = (unitId: string) => {
    let r = rows.get(unitId);
    if (!r) {
      r = emptyRow({ unitId, name: unitId, kind: 'department' });
      rows.set(unitId, r);
    }
    return r;
  };
  for (const d of input.dossiers) {
    const r = row(d.receivedBy);
    r.received++;
    const verdict = portalVerdict(d, input.end);
    if (verdict === 'open_within' || verdict === 'open_overdue') {
      r.open++;
      if (verdict === 'open_overdue') {
        r.openOverdue++;
        if (d.responsibleUnitId) row(d.responsibleUnitId).lateCaused++;
      }
      continue;
    }
    r.finished++;
    if (verdict === 'early') r.early++;
    else if (verdict === 'on_time') r.onTime++;
    else if (verdict === 'late') {
      r.late++;
      if (d.responsibleUnitId) row(d.responsibleUnitId).lateCaused++;
    }
  }
  const byStatus: Record<string, number> = {};
  for (const n of input.notices) {
    byStatus[n.status] = (byStatus[n.status] ?? 0) + 1;
    if (n.kind === 'citizen.apology' && n.status === 'sent') row(n.subjectUnitId).apologiesSent++;
    // A batch SMS carries escalations already counted one by one.
    if (n.kind === 'head.escalation' && REACHED.has(n.status) && n.rung !== null && !n.noticeId.startsWith('batch/'))
      row(n.subjectUnitId).escalations[Math.min(n.rung, ESCALATION_RUNGS) - 1]!++;
  }
  for (const [unitId, count] of input.officerApologies) row(unitId).officerApologies += count;

  const units = [...rows.values()];
  for (const r of units) scoreRow(r);
  return { units, totals: totalRow(units, input.provinceName), notices: { byStatus } };
}

/** The total of scored rows, scored itself: the province's row, or the row of a unit and those under it. */
export function totalRow(rows: readonly UnitRow[], provinceName: string): UnitRow {
  const totals = emptyRow({ unitId: '(province)', name: `${provinceName}: ${rows.length} units`, kind: 'total' });
  for (const r of rows) {
    for (const key of COUNTS) totals[key] += r[key];
    for (const [i, n] of r.escalations.entries()) totals.escalations[i]! += n;
  }
  scoreRow(totals);
  return totals;
}

/**
 * Per day from `fromDay` to the one ending at `end`, at the day's end: dossiers open, and open past their statutory due
 * (the due as finally derived: pauses included).
 */
export function overdueByDay(
  dossiers: Iterable<Pick<ReportDossier, 'receivedAt' | 'finishedAt' | 'statutoryDueAt'>>,
  fromDay: number,
  end: Instant,
): { date: string; open: number; overdue: number }[] {
  const spans = [...dossiers].map((d) => ({
    received: d.receivedAt,
    finished: d.finishedAt ?? Infinity,
    due: d.statutoryDueAt ?? Infinity,
  }));
  const out: { date: string; open: number; overdue: number }[] = [];
  for (let day = fromDay; startOfDay(day) < end; day++) {
    const at = startOfDay(day + 1);
    let open = 0;
    let overdue = 0;
    for (const s of spans) {
      if (s.received > at || s.finished <= at) continue;
      open++;
      if (s.due < at) overdue++;
    }
    out.push({ date: isoDateOf(day), open, overdue });
  }
  return out;
}
