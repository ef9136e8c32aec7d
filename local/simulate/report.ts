import { dayOf, type Instant, parseInstant } from '../../functions/core/instant.ts';
import { NOTICE_KINDS } from '../../functions/core/notice-kinds.ts';
import {
  COUNTS,
  ESCALATION_RUNGS,
  overdueByDay,
  type ReportDossier,
  type ReportNotice,
  type UnitRow,
  unitReport,
} from '../../functions/core/report.ts';
import type { ReplayResult } from '../replay.ts';
import { type SmsUsage, smsUsage } from '../sms-usage.ts';
import type { Province } from './province.ts';

/**
 * What the season looked like, per unit, as the province's appendix shows it (letter 002, docs/law.md §8): the core's
 * unit report (functions/core/report.ts, the same the report API answers) over the replay's dossiers and notices, so
 * the table, the outbox file and the HTML cannot disagree, nor the simulator and the API.
 */

export { COUNTS, ESCALATION_RUNGS, type UnitRow };

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

const iso = (s: string | null) => (s === null ? null : parseInstant(s));

/** A replayed dossier as the report's facts. */
export function reportDossier(d: ReplayResult['dossiers'][number]): ReportDossier {
  return {
    dossierId: d.dossierId,
    receivedBy: d.steps[0]?.unitId ?? 'unknown',
    receivedAt: parseInstant(d.receivedAt),
    statutoryDueAt: iso(d.statutoryDueAt),
    finishedAt: iso(d.finishedAt),
    supplementRequests: d.supplementRequests,
    responsibleUnitId: d.responsibleUnitId,
  };
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
  const dossiers = result.dossiers.map(reportDossier);
  const report = unitReport({
    units: province.units.map((u) => ({ unitId: u.unitId, name: u.name, kind: u.kind })),
    dossiers,
    notices: result.notices.map((n) => ({ ...n, kind: n.kind as ReportNotice['kind'] })),
    officerApologies: input.officerApologies,
    end,
    provinceName: province.name,
  });
  const sms = smsUsage(result.notices, result.dossiers.length, input.usdPerPart ?? null);
  const byKind: Record<string, number> = Object.fromEntries(NOTICE_KINDS.map((k) => [k, sms.byKind[k].notices]));
  return {
    province: { id: province.id, name: province.name, units: report.units.length },
    period: input.period,
    dossiers: result.dossiers.length,
    events: input.events,
    totals: report.totals,
    units: report.units,
    notices: { byKind, byStatus: report.notices.byStatus, smsParts: sms.parts, sms },
    overdueByDay: overdueByDay(dossiers, dayOf(parseInstant(input.period.start)), end),
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
