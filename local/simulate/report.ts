import { dayOf, type Instant, isoDateOf, parseInstant, startOfDay } from '../../functions/core/instant.ts';
import { NOTICE_KINDS } from '../../functions/core/policy.ts';
import type { ReplayResult } from '../replay.ts';
import { type SmsUsage, smsUsage } from '../sms-usage.ts';
import type { Province, UnitKind } from './province.ts';

/**
 * What the season looked like, per unit, as the province's appendix shows it (letter 002, docs/law.md §8): received,
 * resolved early / on time / late, open and overdue at the end of the period, the apologies and
 * escalations dunghan sent, and the citizen-service index's indicator 2.1 (Decision 766; docs/law.md §5).
 * Everything here is derived from the replay's dossiers and notices, so the table, the outbox file
 * and the HTML cannot disagree.
 */

/** Indicator 2.1's points: the processing-progress group weighs 20 of 100 (Decision 766; docs/law.md §5). */
export const INDICATOR_21_POINTS = 20;
export const ESCALATION_RUNGS = 3;

export interface UnitRow {
  unitId: string;
  name: string;
  kind: UnitKind | 'total';
  /** Dossiers received by the unit (the first step of their path). */
  received: number;
  /** Finished: resolved, returned, refused or withdrawn by the end of the period. */
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

export interface SimulationSummary {
  province: { id: string; name: string; units: number };
  period: { start: string; end: string; days: number; perDay: number; seed: number };
  dossiers: number;
  events: number;
  totals: UnitRow;
  units: UnitRow[];
  /** Notices that reached their recipient, by kind (sent, folded into a digest, batched), and the SMS they cost. */
  notices: { byKind: Record<string, number>; byStatus: Record<string, number>; smsParts: number; sms: SmsUsage };
  /** Per day, at its end: dossiers open, and open past their statutory due instant. */
  overdueByDay: { date: string; open: number; overdue: number }[];
  rejectedEvents: number;
  execution: ReplayResult['stats'];
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

const FINISHED = new Set(['resolved', 'returned', 'rejected', 'withdrawn', 'processed']);

const emptyRow = (unitId: string, name: string, kind: UnitRow['kind']): UnitRow => ({
  unitId,
  name,
  kind,
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

function scoreRow(row: UnitRow): void {
  if (row.received === 0) return;
  const withinTime = row.early + row.onTime + (row.open - row.openOverdue);
  row.indicator21 = Math.round((withinTime / row.received) * 10_000) / 100;
  row.points = Math.round((withinTime / row.received) * INDICATOR_21_POINTS * 100) / 100;
}

export function summarise(input: {
  usdPerPart?: number | null;
  province: Province;
  period: SimulationSummary['period'];
  end: Instant;
  events: number;
  officerApologies: ReadonlyMap<string, number>;
  result: ReplayResult;
}): SimulationSummary {
  const { province, result, end } = input;
  const rows = new Map(province.units.map((u) => [u.unitId, emptyRow(u.unitId, u.name, u.kind)]));
  const row = (unitId: string) => {
    let r = rows.get(unitId);
    if (!r) {
      r = emptyRow(unitId, unitId, 'department');
      rows.set(unitId, r);
    }
    return r;
  };
  const overdueAtEnd = (d: ReplayResult['dossiers'][number]) =>
    d.statutoryDueAt !== null && parseInstant(d.statutoryDueAt) < end;
  for (const d of result.dossiers) {
    const r = row(d.steps[0]?.unitId ?? 'unknown');
    r.received++;
    if (FINISHED.has(d.status)) {
      r.finished++;
      if (d.outcome === 'early') r.early++;
      else if (d.outcome === 'on_time') r.onTime++;
      else if (d.outcome === 'late') r.late++;
      if (d.outcome === 'late' && d.responsibleUnitId) row(d.responsibleUnitId).lateCaused++;
    } else {
      r.open++;
      if (overdueAtEnd(d)) {
        r.openOverdue++;
        if (d.responsibleUnitId) row(d.responsibleUnitId).lateCaused++;
      }
    }
  }
  const byStatus: Record<string, number> = {};
  const sms = smsUsage(result.notices, result.dossiers.length, input.usdPerPart ?? null);
  const byKind: Record<string, number> = Object.fromEntries(NOTICE_KINDS.map((k) => [k, sms.byKind[k].notices]));
  for (const n of result.notices) {
    byStatus[n.status] = (byStatus[n.status] ?? 0) + 1;
    if (n.kind === 'citizen.apology' && n.status === 'sent') row(n.subjectUnitId).apologiesSent++;
    // An escalation reached its head by SMS, in a batch SMS, or in the morning digest (past the cap).
    const reached = n.status === 'sent' || n.status === 'batched' || n.status === 'folded';
    if (n.kind === 'head.escalation' && reached && n.rung !== null && !n.noticeId.startsWith('batch/'))
      row(n.subjectUnitId).escalations[Math.min(n.rung, ESCALATION_RUNGS) - 1]!++;
  }
  for (const [unitId, count] of input.officerApologies) row(unitId).officerApologies += count;

  const units = [...rows.values()];
  const totals = emptyRow('(province)', `${province.name}: ${units.length} units`, 'total');
  for (const r of units) {
    scoreRow(r);
    for (const key of COUNTS) totals[key] += r[key];
    for (const [i, n] of r.escalations.entries()) totals.escalations[i]! += n;
  }
  scoreRow(totals);

  // Open and overdue at the end of each day (the statutory due as finally derived: pauses included).
  const spans = result.dossiers.map((d) => ({
    received: parseInstant(d.receivedAt),
    finished: d.finishedAt === null ? Infinity : parseInstant(d.finishedAt),
    due: d.statutoryDueAt === null ? Infinity : parseInstant(d.statutoryDueAt),
  }));
  const overdueByDay: SimulationSummary['overdueByDay'] = [];
  for (let day = dayOf(parseInstant(input.period.start)); startOfDay(day) < end; day++) {
    const at = startOfDay(day + 1);
    let open = 0;
    let overdue = 0;
    for (const s of spans) {
      if (s.received > at || s.finished <= at) continue;
      open++;
      if (s.due < at) overdue++;
    }
    overdueByDay.push({ date: isoDateOf(day), open, overdue });
  }

  return {
    province: { id: province.id, name: province.name, units: units.length },
    period: input.period,
    dossiers: result.dossiers.length,
    events: input.events,
    totals,
    units,
    notices: { byKind, byStatus, smsParts: sms.parts, sms },
    overdueByDay,
    rejectedEvents: result.rejected.length,
    execution: result.stats,
  };
}

/** The per-unit table for a terminal, like the appendix of letter 002 (docs/law.md §8). */
export function formatTable(summary: SimulationSummary): string {
  const head = [
    'unit',
    'recv',
    'done',
    'early',
    'on time',
    'late',
    'caused',
    'open',
    'overdue',
    'apol',
    'officer',
    'esc r1/r2/r3',
    '2.1 %',
    'pts',
  ];
  const width = [38, 6, 6, 6, 7, 5, 6, 5, 7, 5, 7, 12, 6, 5];
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? cut(c, width[0]!).padEnd(width[0]!) : c.padStart(width[i]!))).join(' ');
  const cells = (r: UnitRow) => [
    r.kind === 'total' ? 'TOÀN TỈNH (province)' : r.name,
    ...COUNTS.map((k) => String(r[k])),
    r.escalations.join('/'),
    r.indicator21 === null ? '-' : r.indicator21.toFixed(2),
    r.points === null ? '-' : r.points.toFixed(2),
  ];
  const order: Record<string, number> = { province: 0, department: 1, area: 2, commune: 3 };
  const units = [...summary.units].sort(
    (a, b) => order[a.kind]! - order[b.kind]! || a.name.localeCompare(b.name, 'vi'),
  );
  return [line(head), ...units.map((r) => line(cells(r))), line(cells(summary.totals))].join('\n');
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export const csvLine = (cells: unknown[]) => cells.map(csvCell).join(',');

export function unitsCsv(summary: SimulationSummary): string {
  const head = [
    'unit_id',
    'name',
    'kind',
    'received',
    'finished',
    'early',
    'on_time',
    'late',
    'late_caused',
    'open',
    'open_overdue',
    'apologies_sent',
    'officer_apologies',
    ...Array.from({ length: ESCALATION_RUNGS }, (_, i) => `escalations_r${i + 1}`),
    'indicator_2_1_pct',
    'points',
  ];
  const rows = [...summary.units, summary.totals].map((r) =>
    csvLine([r.unitId, r.name, r.kind, ...COUNTS.map((k) => r[k]), ...r.escalations, r.indicator21, r.points]),
  );
  return `${[csvLine(head), ...rows].join('\n')}\n`;
}

/** The control sheets (Form 06) of the late dossiers: one row per step. */
export function lateSheetsCsv(result: ReplayResult, end: Instant): string {
  const head = [
    'dossier_id',
    'procedure_code',
    'status',
    'received_at',
    'statutory_due_at',
    'due_at',
    'finished_at',
    'outcome',
    'minutes_late',
    'responsible_unit_id',
    'stage',
    'step_id',
    'unit_id',
    'handed_over_at',
    'step_due_at',
    'completed_at',
    'step_result',
  ];
  const out = [csvLine(head)];
  for (const d of result.dossiers) {
    const openOverdue = d.finishedAt === null && d.statutoryDueAt !== null && parseInstant(d.statutoryDueAt) < end;
    if (d.outcome !== 'late' && !openOverdue) continue;
    for (const s of d.steps) {
      out.push(
        csvLine([
          d.dossierId,
          d.procedureCode,
          d.status,
          d.receivedAt,
          d.statutoryDueAt,
          d.dueAt,
          d.finishedAt,
          d.outcome ?? 'overdue',
          d.minutesLate,
          d.responsibleUnitId,
          s.stage,
          s.stepId,
          s.unitId,
          s.handedOverAt,
          s.dueAt,
          s.completedAt,
          s.result,
        ]),
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/** The outbox as NDJSON: every notice with its outcome, phone numbers masked. */
export function outboxNdjson(result: ReplayResult): string {
  return result.notices.map((n) => `${JSON.stringify(n)}\n`).join('');
}
