import type { APIGatewayProxyResult } from 'aws-lambda';
import { stringify } from 'csv-stringify/sync';
import type { ListedDossier } from '../app/reports/lists.ts';
import type { UnitsReport } from '../app/reports/units.ts';
import { COUNTS, ESCALATION_RUNGS } from '../core/report.ts';

/** CSV answers (`?format=csv`): UTF-8 with a byte-order mark, so that Excel opens Vietnamese names correctly. */

const BOM = '\uFEFF';

export function csv(filename: string, rows: unknown[][]): APIGatewayProxyResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
    },
    body: BOM + stringify(rows, { cast: { boolean: (b) => String(b) }, record_delimiter: 'unix' }),
  };
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The report as units.csv of the simulator: one row per unit, then the province's. */
export function reportCsv(report: UnitsReport): APIGatewayProxyResult {
  const head = [
    'unit_id',
    'name',
    'kind',
    ...COUNTS.map(snake),
    ...Array.from({ length: ESCALATION_RUNGS }, (_, i) => `escalations_r${i + 1}`),
    'indicator_2_1_pct',
    'points',
  ];
  const rows = [...report.units, report.totals].map((r) => [
    r.unitId,
    r.name,
    r.kind,
    ...COUNTS.map((k) => r[k]),
    ...r.escalations,
    r.indicator21,
    r.points,
  ]);
  return csv(`units-${report.period.from.slice(0, 10)}.csv`, [head, ...rows]);
}

const LIST_COLUMNS = [
  'dossierId',
  'procedureCode',
  'procedureName',
  'holderUnitId',
  'status',
  'dueAt',
  'minutesLate',
  'minutesLeft',
  'noticesSent',
] as const satisfies readonly (keyof ListedDossier)[];

export function listCsv(name: string, items: readonly ListedDossier[]): APIGatewayProxyResult {
  return csv(`${name}.csv`, [LIST_COLUMNS.map(snake), ...items.map((d) => LIST_COLUMNS.map((k) => d[k]))]);
}
