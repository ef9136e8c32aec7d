import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../functions/app/identity.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { at } from '../support/calendar.ts';
import { completed, event, type Json, PROVINCE, received, unit } from '../support/events.ts';

// The report, list, dossier and action routes on the local stack (the real intake, engine and store), in simulated
// time: a week of three communes' dossiers, then the routes as the province, a commune head and no one.
let stack: LocalStack;
const START = at('2026-03-02T07:00:00+07:00');
const NOW = at('2026-03-11T10:00:00+07:00');

const XA: Viewer = { userId: 'u-xa', unitId: 'xa', role: 'head' };
const XA_VIEWER: Viewer = { userId: 'u-xa-v', unitId: 'xa', role: 'viewer' };
const XA2: Viewer = { userId: 'u-xa2', unitId: 'xa2', role: 'head' };

const one = (id: string, unitId: string, extra: Json[] = []) => [
  received(id, '2026-03-02T08:00:00+07:00', '5 working days', [[['a', unitId, '5 working days']]]),
  ...extra,
];
const pause = (id: string, n: number, from: string, to: string) => [
  { ...event(id, 'supplement.requested', from), eventId: `${id}-ask-${n}` },
  { ...event(id, 'supplement.received', to), eventId: `${id}-got-${n}` },
];
const EVENTS: Json[] = [
  ...PROVINCE,
  unit('xa2', 'tinh'),
  // Open and past its due (Mon 09/03 17:00) at xa, its applicant on a landline (dunghan's SMS apology cannot go, so no
  // reschedule is recorded: the head's is to come); and three more, rescheduled by dunghan's apology, for paging.
  ...one('R-1', 'xa').map((e) =>
    e.type === 'dossier.received' ? { ...e, applicant: { name: 'Nguyễn Văn A', phone: '02363822123' } } : e,
  ),
  ...['R-4', 'R-5', 'R-6'].flatMap((id) => one(id, 'xa')),
  // Finished early at xa2.
  ...one('R-2', 'xa2', [completed('R-2', 'a', '2026-03-04T09:00:00+07:00')]),
  // Asked twice for a supplement at xa: late by the portal's rule, though finished early.
  ...one('R-3', 'xa', [
    ...pause('R-3', 1, '2026-03-03T08:00:00+07:00', '2026-03-03T10:00:00+07:00'),
    ...pause('R-3', 2, '2026-03-04T08:00:00+07:00', '2026-03-04T09:00:00+07:00'),
    completed('R-3', 'a', '2026-03-05T09:00:00+07:00'),
  ]),
];

const get = async (path: string, as?: Viewer | null) => {
  const r = await stack.request('GET', path, undefined, as === undefined ? {} : { as });
  return {
    status: r.statusCode,
    headers: r.headers ?? {},
    text: r.body,
    body: JSON.parse(r.body.startsWith('\uFEFF') ? '{}' : r.body),
  };
};
const post = async (path: string, body: unknown, as: Viewer) => {
  const r = await stack.request('POST', path, JSON.stringify(body), { as });
  return { status: r.statusCode, body: JSON.parse(r.body) as Record<string, unknown> };
};

beforeAll(async () => {
  stack = await startLocalStack({ simulatedStart: START });
  const byTime = EVENTS.map((e, i) => ({ e, i, t: at(String(e.at)) })).sort((a, b) => a.t - b.t || a.i - b.i);
  for (const { e, t } of byTime) {
    await stack.time!.advanceTo(Math.max(t, stack.time!.now()));
    expect((await stack.request('POST', '/events', JSON.stringify(e))).statusCode).toBeLessThan(300);
  }
  await stack.time!.advanceTo(NOW);
}, 120_000);
afterAll(async () => {
  await stack.close();
});

describe('GET /reports/units', () => {
  it('gives the per-unit table and indicator 2.1 by the portal rules, and the province row', async () => {
    const r = await get('/reports/units?from=2026-03-01&to=2026-03-10');
    expect(r.status).toBe(200);
    expect(r.body.units.map((u: { unitId: string }) => u.unitId).sort()).toEqual([
      'so',
      'thue',
      'tinh',
      'vpdk',
      'xa',
      'xa2',
    ]);
    const xa = r.body.units.find((u: { unitId: string }) => u.unitId === 'xa');
    // Four open past their due at the period's end, one late for its two supplement requests: 0 of 5 within time.
    expect(xa).toMatchObject({
      received: 5,
      finished: 1,
      late: 1,
      open: 4,
      openOverdue: 4,
      lateCaused: 4,
      indicator21: 0,
    });
    expect(r.body.units.find((u: { unitId: string }) => u.unitId === 'xa2')).toMatchObject({
      received: 1,
      early: 1,
      indicator21: 100,
      points: 20,
    });
    expect(r.body.totals).toMatchObject({
      received: 6,
      early: 1,
      late: 1,
      openOverdue: 4,
      indicator21: 16.67,
      points: 3.33,
    });
    expect(r.body.period).toEqual({
      from: '2026-03-01T00:00:00+07:00',
      to: '2026-03-11T00:00:00+07:00',
      judgedAt: '2026-03-11T00:00:00+07:00',
    });
    expect(r.body.overdueByDay.at(-1)).toEqual({ date: '2026-03-10', open: 4, overdue: 4 });
  });

  it('answers CSV in UTF-8 with a byte-order mark, one row per unit then the province', async () => {
    const r = await get('/reports/units?from=2026-03-01&to=2026-03-10&format=csv');
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.text.startsWith('\uFEFFunit_id,name,kind,received,finished,early,on_time,late,late_caused')).toBe(true);
    const lines = r.text.trim().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines.find((l) => l.startsWith('xa2,'))).toBe('xa2,Đơn vị xa2,unit,1,1,1,0,0,0,0,0,0,0,0,0,0,100,20');
  });

  it('refuses bad parameters naming the field', async () => {
    expect((await get('/reports/units?from=2026-02-30&to=2026-03-10')).body).toEqual({
      error: 'invalid_request',
      field: 'from',
      reason: '"2026-02-30" is not a calendar date YYYY-MM-DD',
    });
    expect((await get('/reports/units?from=2026-03-10&to=2026-03-01')).body).toMatchObject({ field: 'to' });
    expect((await get('/reports/units?from=2026-03-01')).body).toMatchObject({ field: 'to', reason: 'is required' });
    expect((await get('/reports/units?from=2026-03-01&to=2026-03-02&unit=xa')).body).toMatchObject({ field: 'unit' });
  });
});

describe('GET /dossiers (lists)', () => {
  it("lists a unit's overdue dossiers with the time late and the notices sent, paged", async () => {
    const first = await get('/dossiers?unitId=xa&view=overdue&limit=3');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(3);
    // Newest risk first: the three dunghan rescheduled to Tue 10/03 fell due after R-1 (Mon 09/03).
    const r1 = [
      ...first.body.items,
      ...(await get(`/dossiers?unitId=xa&view=overdue&limit=3&cursor=${first.body.cursor}`)).body.items,
    ].find((d: { dossierId: string }) => d.dossierId === 'R-1');
    expect(first.body.items.map((d: { dueAt: string }) => d.dueAt)).toEqual(Array(3).fill('2026-03-10T17:00:00+07:00'));
    expect(r1).toMatchObject({
      procedureCode: '1.004227',
      holderUnitId: 'xa',
      dueAt: '2026-03-09T17:00:00+07:00',
      // Tue 10/03 whole (8 working hours) and Wed 11/03 07:00–10:00.
      minutesLate: 660,
      minutesLeft: 0,
    });
    expect(r1.noticesSent).toBeGreaterThan(0);
    const rest = await get(`/dossiers?unitId=xa&view=overdue&limit=3&cursor=${first.body.cursor}`);
    const ids = [...first.body.items, ...rest.body.items].map((d: { dossierId: string }) => d.dossierId);
    expect(ids.sort()).toEqual(['R-1', 'R-4', 'R-5', 'R-6']);
    expect((await get('/dossiers?unitId=xa&view=coming-due')).body.items).toEqual([]);
    expect((await get('/dossiers?unitId=xa&view=overdue&cursor=bm9wZQ')).body).toMatchObject({ field: 'cursor' });
  });

  it('answers the list as CSV', async () => {
    const r = await get('/dossiers?unitId=xa&view=open&format=csv');
    const lines = r.text.trimEnd().split('\n');
    expect(lines[0]).toBe(
      '\uFEFFdossier_id,procedure_code,procedure_name,holder_unit_id,status,due_at,minutes_late,minutes_left,notices_sent',
    );
    expect(lines).toHaveLength(5);
  });
});

describe('scope: a user sees and acts on their unit and those under it', () => {
  it('gives a commune head 403 on another commune and its lists, and only their own row', async () => {
    expect((await get('/dossiers/R-2', XA)).status).toBe(403);
    expect((await get('/dossiers?unitId=xa2&view=open', XA)).status).toBe(403);
    expect((await get('/dossiers/R-1', XA)).status).toBe(200);
    const report = await get('/reports/units?from=2026-03-01&to=2026-03-10', XA);
    expect(report.body.units.map((u: { unitId: string }) => u.unitId)).toEqual(['xa']);
    expect(report.body.totals).toMatchObject({ received: 5 });
    // The department sees its land office (under it), not the commune.
    const so: Viewer = { userId: 'u-so', unitId: 'so', role: 'viewer' };
    expect((await get('/dossiers?unitId=vpdk&view=open', so)).status).toBe(200);
    expect((await get('/dossiers?unitId=xa&view=open', so)).status).toBe(403);
  });

  it('refuses a read with no signed-in user (401)', async () => {
    expect(await get('/dossiers/R-1', null)).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
    expect((await get('/reports/units?from=2026-03-01&to=2026-03-10', null)).status).toBe(401);
  });
});

describe('GET /dossiers/{id}', () => {
  it('gives the control sheet with its notices, findings and timeline', async () => {
    const r = await get('/dossiers/R-3');
    expect(r.body).toMatchObject({ dossierId: 'R-3', status: 'processed', outcome: 'early', holderUnitId: null });
    expect(r.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'dossier.received',
      'supplement.requested',
      'supplement.received',
      'supplement.requested',
      'supplement.received',
      'step.completed',
    ]);
    expect(r.body.findings).toEqual([]);
    expect(JSON.stringify(r.body)).not.toContain('Nguyễn');
  });
});

describe('acting: the apology and the acknowledgement', () => {
  const apology = { reasonCode: 'verification', reasonText: 'chờ trích lục', newDueDate: '2026-03-13' };

  it('issues the one reschedule as apology.issued through the intake, late only when marked late', async () => {
    expect((await post('/dossiers/R-1/apology', apology, XA_VIEWER)).status).toBe(403);
    expect((await post('/dossiers/R-1/apology', apology, XA2)).status).toBe(403);
    expect(await post('/dossiers/R-1/apology', apology, XA)).toMatchObject({ status: 409, body: { field: 'late' } });
    expect(await post('/dossiers/R-1/apology', { ...apology, late: true, newDueDate: '2026-03-14' }, XA)).toMatchObject(
      {
        status: 400,
        body: { field: 'newDueDate', reason: '2026-03-14 is not a working day' },
      },
    );
    expect(await post('/dossiers/R-1/apology', { reasonCode: 'other', newDueDate: '2026-03-13' }, XA)).toMatchObject({
      status: 400,
      body: { field: 'reasonText' },
    });
    const ok = await post('/dossiers/R-1/apology', { ...apology, late: true }, XA);
    expect(ok).toEqual({ status: 202, body: { status: 'accepted', eventId: 'dashboard:apology:R-1' } });
    await stack.time!.settle();
    const page = await get('/dossiers/R-1', XA);
    expect(page.body.dueAt).toBe('2026-03-13T17:00:00+07:00');
    expect(page.body.apology).toMatchObject({ unitId: 'xa', reason: 'cần xác minh, kiểm tra thêm (chờ trích lục)' });
    expect(page.body.timeline.at(-1)).toMatchObject({
      type: 'apology.issued',
      applied: true,
      newDueAt: '2026-03-13T17:00:00+07:00',
    });
    expect(await post('/dossiers/R-1/apology', { ...apology, late: true }, XA)).toMatchObject({ status: 409 });
  });

  it('records a head acknowledging an escalation, shown to the levels above', async () => {
    const page = await get('/dossiers/R-4');
    const escalation = page.body.notices.find(
      (n: { kind: string; unitId: string }) => n.kind === 'head.escalation' && n.unitId === 'xa',
    );
    expect(escalation).toBeDefined();
    const path = '/dossiers/R-4/acknowledgements';
    const body = { noticeId: escalation.noticeId };
    expect((await post(path, body, XA2)).status).toBe(403);
    expect(await post(path, body, XA)).toMatchObject({
      status: 200,
      body: { acknowledgement: { unitId: 'xa', userId: 'u-xa' } },
    });
    expect((await post(path, body, XA)).status).toBe(409);
    expect(await post(path, { noticeId: 'x y' }, XA)).toMatchObject({ status: 400, body: { field: 'noticeId' } });
    const seen = await get('/dossiers/R-4');
    const n = seen.body.notices.find((x: { noticeId: string }) => x.noticeId === escalation.noticeId);
    expect(n.acknowledgement).toMatchObject({ unitId: 'xa', at: '2026-03-11T10:00:00+07:00' });
  });
});
