import { readFileSync } from 'node:fs';

/** Builders of contract events for tests (JSON lines as iGate would send them). */
export const EXAMPLES = readFileSync(new URL('../../examples/events.ndjson', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean);

export type Json = Record<string, unknown>;

export const unit = (unitId: string, parentUnitId?: string): Json => ({
  eventId: `unit-${unitId}`,
  type: 'unit.upserted',
  at: '2026-01-05T08:00:00+07:00',
  unitId,
  name: `Đơn vị ${unitId}`,
  ...(parentUnitId ? { parentUnitId } : {}),
  head: { name: `Thủ trưởng ${unitId}`, phone: '0912345678' },
});

/** A small province: the provincial office, a department with a land office, a commune. */
export const PROVINCE: Json[] = [
  unit('tinh'),
  unit('so', 'tinh'),
  unit('vpdk', 'so'),
  unit('xa', 'tinh'),
  unit('thue', 'tinh'),
];

export const received = (
  dossierId: string,
  at: string,
  limit: string,
  path: [string, string, string][][],
  extra: Json = {},
): Json => ({
  eventId: `${dossierId}-received`,
  type: 'dossier.received',
  at,
  dossierId,
  procedureCode: '1.004227',
  procedureName: 'Đăng ký biến động quyền sử dụng đất',
  limit,
  applicant: { name: 'Nguyễn Văn A', phone: '0905123456' },
  path: path.map((stage) => stage.map(([stepId, unitId, budget]) => ({ stepId, unitId, budget }))),
  ...extra,
});

export const completed = (dossierId: string, stepId: string, at: string): Json => ({
  eventId: `${dossierId}-${stepId}-done`,
  type: 'step.completed',
  at,
  dossierId,
  stepId,
});

export const event = (dossierId: string, type: string, at: string, extra: Json = {}): Json => ({
  eventId: `${dossierId}-${type}-${at}`,
  type,
  at,
  dossierId,
  ...extra,
});

export const lines = (events: Json[]) => events.map((e) => JSON.stringify(e));
