import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp } from '../../local/server.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { completed, PROVINCE, received } from '../support/events.ts';

// The intake API over real HTTP on 127.0.0.1, real time, the real store and engine.
let stack: LocalStack;
let url: string;
let close: () => void;

beforeAll(async () => {
  stack = await startLocalStack();
  const served = await serveHttp(stack, 0);
  url = served.url;
  close = () => served.server.close();
});
afterAll(async () => {
  close();
  await stack.close();
});

const post = async (body: unknown) => {
  const r = await fetch(`${url}/events`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

describe('the intake API (POST /events, GET /dossiers/{id})', () => {
  it('accepts events once, acknowledges duplicates and refuses reuse of an eventId', async () => {
    for (const u of PROVINCE) expect((await post(u)).status).toBe(202);
    const dossier = received('API-1', '2026-03-02T08:00:00+07:00', '5 working days', [[['a', 'xa', '1 working day']]]);
    expect(await post(dossier)).toEqual({ status: 202, body: { status: 'accepted', eventId: 'API-1-received' } });
    expect(await post(dossier)).toEqual({ status: 200, body: { status: 'duplicate', eventId: 'API-1-received' } });
    expect((await post({ ...dossier, limit: '6 working days' })).status).toBe(409);
    expect(await post(completed('API-1', 'a', '2026-03-02T10:00:00+07:00'))).toMatchObject({
      status: 202,
      body: { status: 'accepted' },
    });
  });

  it('keeps a completion for a dossier not yet received, with the reason', async () => {
    expect(await post(completed('API-2', 'a', '2026-03-02T10:00:00+07:00'))).toEqual({
      status: 202,
      body: {
        status: 'kept',
        eventId: 'API-2-a-done',
        reason: 'dossier API-2 has not been received yet; the event is kept and applied when it is',
      },
    });
  });

  it('answers 400 naming the field, 413 over the size limit, 422 when the catalogue path cannot be resolved', async () => {
    expect(await post('{"type": ')).toEqual({
      status: 400,
      body: { error: 'invalid_event', field: '(body)', reason: 'is not valid JSON' },
    });
    expect(await post({ ...completed('API-1', 'a', '2026-03-02T10:00:00+07:00'), at: 'soon' })).toMatchObject({
      status: 400,
      body: { field: 'at' },
    });
    expect((await post('x'.repeat(70_000))).status).toBe(413);
    const fromCatalogue = {
      ...received('API-3', '2026-03-02T08:00:00+07:00', '1 working day', []),
      path: undefined,
      procedureCode: '1.001193',
      receivingUnitId: 'nowhere',
    };
    expect(await post(fromCatalogue)).toMatchObject({ status: 422, body: { field: 'receivingUnitId' } });
  });

  it('returns the control sheet, 404 for an unknown dossier', async () => {
    const r = await fetch(`${url}/dossiers/API-1`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      dossierId: 'API-1',
      status: 'processed',
      outcome: 'early',
      steps: [{ stepId: 'a', unitId: 'xa', completedAt: '2026-03-02T10:00:00+07:00', result: 'early' }],
    });
    expect((await fetch(`${url}/dossiers/NOPE`)).status).toBe(404);
    expect((await fetch(`${url}/dossiers/bad%20id`)).status).toBe(400);
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
  });
});
