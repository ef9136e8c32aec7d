import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { key } from '../../functions/adapters/dynamodb/table.ts';
import { type LocalHttpServer, serveHttp } from '../../local/server.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { completed, event, type Json, PROVINCE, received, unit } from '../support/events.ts';

// One eventId, one event, across the whole store; and what the intake refuses about time and bytes.
// Real time, the real store and engine; HTTP on 127.0.0.1 for the bytes of a body.
let stack: LocalStack;
let http: LocalHttpServer;

beforeAll(async () => {
  stack = await startLocalStack();
  http = await serveHttp(stack, 0);
  for (const u of PROVINCE) expect((await post(u)).status).toBe(202);
});
afterAll(async () => {
  await http.drain(1_000);
  await stack.close();
});

async function post(body: Json | string) {
  const r = await stack.request('POST', '/events', typeof body === 'string' ? body : JSON.stringify(body));
  return { status: r.statusCode, body: JSON.parse(r.body) as Record<string, unknown> };
}
const AT = '2026-03-02T08:00:00+07:00';
const dossier = (id: string, extra: Json = {}) =>
  received(id, AT, '5 working days', [[['a', 'xa', '1 working day']]], extra);
const storedEvent = async (pk: { pk: string; sk: string }) =>
  (await stack.store.table.doc.send(new GetCommand({ TableName: stack.store.table.tableName, Key: pk }))).Item;

describe('an eventId names one event in the whole store', () => {
  it('refuses the id of one dossier’s event for another dossier, a unit, or another type: 409', async () => {
    expect((await post(dossier('ID-1'))).status).toBe(202);
    expect((await post(dossier('ID-2'))).status).toBe(202);
    const reused = 'ID-1-received';
    const conflict = { status: 409, body: { error: 'conflict', eventId: reused } };
    // The same id for a receipt of another dossier, …
    expect(await post(dossier('ID-3', { eventId: reused }))).toMatchObject(conflict);
    // … for a unit, …
    expect(await post({ ...unit('ID-U'), eventId: reused })).toMatchObject(conflict);
    // … and as a completion of another dossier.
    expect(await post({ ...completed('ID-2', 'a', '2026-03-02T09:00:00+07:00'), eventId: reused })).toMatchObject(
      conflict,
    );
    // Nothing of them was applied or kept.
    expect((await stack.request('GET', '/dossiers/ID-3')).statusCode).toBe(404);
    expect(await storedEvent(key.unitEvent('ID-U', reused))).toBeUndefined();
    expect(await storedEvent(key.dossierEvent('ID-2', reused))).toBeUndefined();
    expect(JSON.parse((await stack.request('GET', '/dossiers/ID-2')).body)).toMatchObject({
      steps: [{ stepId: 'a', completedAt: null }],
    });
    // A unit's id is refused for a dossier's event the same way.
    expect((await post(unit('ID-V'))).status).toBe(202);
    expect((await post({ ...completed('ID-2', 'a', AT), eventId: 'unit-ID-V' })).status).toBe(409);
  });

  it('answers the same event again 200 duplicate, whatever it names', async () => {
    expect(await post(dossier('ID-1'))).toEqual({
      status: 200,
      body: { status: 'duplicate', eventId: 'ID-1-received' },
    });
    expect((await post(unit('ID-V'))).status).toBe(200);
    const done = completed('ID-2', 'a', '2026-03-02T09:00:00+07:00');
    expect((await post(done)).status).toBe(202);
    expect(await post(done)).toEqual({ status: 200, body: { status: 'duplicate', eventId: done.eventId } });
  });

  it('a delivery that died between the id’s claim and the event: the redelivery stores and applies it', async () => {
    expect((await post(dossier('ID-4'))).status).toBe(202);
    const done = completed('ID-4', 'a', '2026-03-02T09:30:00+07:00');
    // The first delivery dies after its claim: the write of the event in the dossier's partition fails.
    let failed = 0;
    const middleware = 'diesBeforeTheEvent';
    stack.store.table.doc.middlewareStack.add(
      (next) => async (args) => {
        const item = (args.input as { Item?: { sk?: string } }).Item;
        if (failed === 0 && item?.sk === `EVENT#${done.eventId}`) {
          failed++;
          throw Object.assign(new Error('the process died'), { name: 'InternalServerError' });
        }
        return next(args);
      },
      { step: 'initialize', name: middleware, priority: 'normal' },
    );
    try {
      expect((await post(done)).status).toBe(500);
    } finally {
      stack.store.table.doc.middlewareStack.remove(middleware);
    }
    expect(failed).toBe(1);
    expect(await storedEvent(key.eventClaim(done.eventId as string))).toBeDefined();
    expect(await storedEvent(key.dossierEvent('ID-4', done.eventId as string))).toBeUndefined();
    // Another event cannot take the claimed id meanwhile; the redelivery of the same finishes the work.
    expect((await post({ ...done, at: '2026-03-02T09:31:00+07:00' })).status).toBe(409);
    expect(await post(done)).toEqual({ status: 200, body: { status: 'duplicate', eventId: done.eventId } });
    expect(await storedEvent(key.dossierEvent('ID-4', done.eventId as string))).toBeDefined();
    expect(JSON.parse((await stack.request('GET', '/dossiers/ID-4')).body)).toMatchObject({
      status: 'processed',
      steps: [{ stepId: 'a', completedAt: '2026-03-02T09:30:00+07:00' }],
    });
  });
});

describe('what the intake refuses about time and bytes', () => {
  it('refuses an event dated before its dossier’s receipt: 422 naming `at`, nothing stored', async () => {
    expect((await post(dossier('T-1'))).status).toBe(202);
    const early = completed('T-1', 'a', '2025-04-02T09:00:00+07:00');
    expect(await post(early)).toEqual({
      status: 422,
      body: {
        error: 'unprocessable',
        eventId: early.eventId,
        field: 'at',
        reason:
          "is before the dossier's receipt (2026-03-02T08:00:00+07:00): nothing happens to a dossier before it is received",
      },
    });
    expect(await storedEvent(key.dossierEvent('T-1', early.eventId as string))).toBeUndefined();
    expect(await storedEvent(key.eventClaim(early.eventId as string))).toBeUndefined();
    // At the receipt's very instant is not before it.
    expect((await post(event('T-1', 'supplement.requested', AT))).status).toBe(202);
  });

  it('keeps, unapplied with the reason, an event that came before a receipt dated after it', async () => {
    const early = completed('T-2', 'a', '2026-03-01T09:00:00+07:00');
    expect((await post(early)).body).toMatchObject({ status: 'kept' });
    expect((await post(dossier('T-2'))).status).toBe(202);
    const sheet = JSON.parse((await stack.request('GET', '/dossiers/T-2')).body);
    expect(sheet).toMatchObject({ status: 'in_progress', steps: [{ stepId: 'a', completedAt: null }] });
  });

  it('says a limit too large for the working calendar is too large (not "at least 1")', async () => {
    expect(await post(dossier('T-3', { limit: '999999999999999999999 working days' }))).toEqual({
      status: 400,
      body: {
        error: 'invalid_event',
        field: 'limit',
        reason:
          '"999999999999999999999 working days": the number of working days is too large for the working calendar',
      },
    });
    expect(await post(dossier('T-3', { limit: '99999 working days' }))).toMatchObject({
      status: 422,
      body: { field: 'limit', reason: expect.stringContaining('ends beyond the working calendar') },
    });
  });

  it('refuses a body that is not UTF-8 with 400, over HTTP, rather than storing U+FFFD', async () => {
    const json = Buffer.from(JSON.stringify(dossier('T-4', { applicant: { name: 'Nguyễn @', phone: '0905123456' } })));
    const bytes = Buffer.from(json);
    bytes[json.indexOf('@')] = 0xff; // a byte no UTF-8 text holds
    const r = await fetch(`${http.url}/events`, { method: 'POST', body: bytes });
    expect({ status: r.status, body: await r.json() }).toEqual({
      status: 400,
      body: { error: 'invalid_event', field: '(body)', reason: 'is not valid UTF-8' },
    });
    expect((await stack.request('GET', '/dossiers/T-4')).statusCode).toBe(404);
    // The same text well encoded is accepted, and its name kept as sent.
    const ok = await fetch(`${http.url}/events`, { method: 'POST', body: json.toString('utf8').replace('@', 'A') });
    expect(ok.status).toBe(202);
  });
});
