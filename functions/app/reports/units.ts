import { controlSheet } from '../../core/control-sheet.ts';
import { dayOf, formatInstant, type Instant, parseInstant, startOfDay } from '../../core/instant.ts';
import {
  overdueByDay,
  portalVerdict,
  type ReportDossier,
  type ReportUnit,
  totalRow,
  type UnitRow,
  unitReport,
} from '../../core/report.ts';
import type { DossierFacts, ReceivedDossier } from '../../schemas/records.ts';
import { loadDossier } from '../dossiers.ts';
import type { Viewer } from '../identity.ts';
import type { Deps } from '../ports.ts';
import { covers, scopeOf } from './scope.ts';

/**
 * GET /reports/units: the province's appendix (letter 002, docs/law.md §8) and indicator 2.1 (docs/law.md §5) over the
 * live store for a period of receipt days, by the core's unit report: the same computation as the simulator's table.
 * A dossier finished after the period counts as open at its end; a period not yet over is judged now.
 */

export interface ReportPeriod {
  /** The first and last day of receipt, in Vietnam. */
  fromDay: number;
  toDay: number;
}

export interface UnitsReport {
  period: { from: string; to: string; judgedAt: string };
  units: UnitRow[];
  totals: UnitRow;
  /** The period's notices that reached their recipient, by status (sent, batched, folded into a digest). */
  notices: Record<string, number>;
  overdueByDay: { date: string; open: number; overdue: number }[];
}

const iso = (s: string | null) => (s === null ? null : parseInstant(s));

function reportDossier(dossierId: string, f: DossierFacts): ReportDossier {
  return {
    dossierId,
    receivedBy: f.receivedBy,
    receivedAt: parseInstant(f.receivedAt),
    statutoryDueAt: iso(f.statutoryDueAt),
    finishedAt: iso(f.finishedAt),
    supplementRequests: f.supplementRequests,
    responsibleUnitId: f.responsibleUnitId,
  };
}

export async function unitsReport(deps: Deps, viewer: Viewer, period: ReportPeriod): Promise<UnitsReport> {
  const scope = await scopeOf(deps, viewer);
  const start = startOfDay(period.fromDay);
  const end = startOfDay(period.toDay + 1);
  // Open dossiers are judged at the period's last day (docs/law.md §5), or now while it is not over.
  const judgedAt = Math.min(end, deps.now());
  const metas = await deps.store.dossiers.receivedBetween(formatInstant(start), formatInstant(end));
  const dossiers: ReportDossier[] = [];
  const officerApologies = new Map<string, number>();
  for (const meta of metas) {
    const d = reportDossier(meta.dossierId, meta.facts);
    if (!covers(scope, d.receivedBy)) continue;
    dossiers.push(await withResponsibleUnit(deps, meta, d, judgedAt));
    const apologised = meta.facts.apologyUnitId;
    if (apologised) officerApologies.set(apologised, (officerApologies.get(apologised) ?? 0) + 1);
  }
  const notices = await deps.store.notices.reachedBetween(formatInstant(start), formatInstant(end));
  const units: ReportUnit[] = scope.units
    .filter((u) => covers(scope, u.unitId))
    .map((u) => ({ unitId: u.unitId, name: u.name, kind: u.parentUnitId === null ? 'province' : 'unit' }));
  const report = unitReport({
    units,
    dossiers,
    notices: notices.filter((n) => covers(scope, n.subjectUnitId)),
    officerApologies,
    end: judgedAt,
    provinceName: scope.units.find((u) => u.parentUnitId === null)?.name ?? 'province',
  });
  // Rows named only by dossiers of units outside the scope (the unit that caused a delay elsewhere) are not shown.
  const rows = report.units.filter((r) => covers(scope, r.unitId));
  const rootName =
    scope.covered === null
      ? report.totals.name
      : (units.find((u) => u.unitId === viewer.unitId)?.name ?? viewer.unitId);
  return {
    period: { from: formatInstant(start), to: formatInstant(end), judgedAt: formatInstant(judgedAt) },
    units: rows,
    totals: rows.length === report.units.length ? report.totals : totalRow(rows, rootName),
    notices: report.notices.byStatus,
    overdueByDay: overdueByDay(dossiers, dayOf(start), judgedAt),
  };
}

/**
 * The unit at fault of a dossier open and overdue at the period's end: the snapshot's was taken at its last event,
 * maybe before it fell due, so its control sheet is drawn again at the judging instant (a few dossiers: the overdue).
 */
async function withResponsibleUnit(
  deps: Deps,
  meta: ReceivedDossier,
  d: ReportDossier,
  judgedAt: Instant,
): Promise<ReportDossier> {
  if (d.responsibleUnitId !== null || portalVerdict(d, judgedAt) !== 'open_overdue') return d;
  const { state } = await loadDossier(deps, meta.dossierId);
  return { ...d, responsibleUnitId: controlSheet(deps.calendar, state, judgedAt).responsibleUnitId };
}
