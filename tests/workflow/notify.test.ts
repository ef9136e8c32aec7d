import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyStep } from '../../functions/app/notices/notify.ts';
import { CLAIM_LEASE_MS } from '../../functions/app/timing.ts';
import { formatInstant, MINUTE_MS, parseInstant } from '../../functions/core/instant.ts';
import type { NoticeRecord } from '../../functions/schemas/records.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { PROVINCE, received } from '../support/events.ts';

// The Notify task's answer to the workflow: the next wait of its step. The embedded stack on a simulated
// clock that is only moved by the test, with no sweeper, so that nothing but these calls sends.
const START = parseInstant('2026-03-02T09:00:00+07:00');
const PLANNED = 3600;
let stack: LocalStack;

const notice = (noticeId: string): NoticeRecord => ({
  noticeId,
  dossierId: 'NT-1',
  // apology.due goes by SMS at once (escalations are batched by their window: tests/workflow/channels.test.ts).
  kind: 'apology.due',
  rung: null,
  stepId: null,
  unitId: 'xa',
  subjectUnitId: 'xa',
  audience: 'head',
  dueAt: formatInstant(START - 10 * MINUTE_MS),
  sendAfter: formatInstant(START - 10 * MINUTE_MS),
  version: 1,
  createdAt: formatInstant(START - 10 * MINUTE_MS),
  status: 'pending',
});

beforeAll(async () => {
  stack = await startLocalStack({ simulatedStart: START, sweepEveryMinutes: 0 });
  for (const e of [
    ...PROVINCE,
    received('NT-1', '2026-03-02T08:00:00+07:00', '5 working days', [[['a', 'xa', '5 working days']]]),
  ]) {
    expect((await stack.request('POST', '/events', JSON.stringify(e))).statusCode).toBeLessThan(300);
  }
});
afterAll(async () => {
  await stack.close();
});

describe('Notify gives the next wait of its step', () => {
  it("keeps the checkpoint's wait when it settles what it was handed", async () => {
    expect(await stack.deps.store.notices.put(notice('N-settled'))).toBe(true);
    expect(await notifyStep(stack.deps, 'NT-1', ['N-settled'], PLANNED)).toEqual({
      sent: 1,
      settled: 1,
      timeoutSeconds: PLANNED,
    });
    expect(await stack.deps.store.notices.get('NT-1', 'N-settled')).toMatchObject({ status: 'sent' });
  });

  it('ends the wait when a claim held by another sender would be stale, then takes the notice over, once', async () => {
    const { notices: store } = stack.deps.store;
    expect(await store.put(notice('N-held'))).toBe(true);
    // Another sender (say this function's attempt that crashed after claiming) holds it.
    expect(await store.claim('NT-1', 'N-held', { claimId: 'other', at: formatInstant(Date.now()) })).toBe(true);
    const lease = Math.ceil((CLAIM_LEASE_MS + 1000) / 1000);
    expect(await notifyStep(stack.deps, 'NT-1', ['N-held'], PLANNED)).toEqual({
      sent: 0,
      settled: 0,
      timeoutSeconds: lease,
    });
    expect(await store.get('NT-1', 'N-held')).toMatchObject({ status: 'sending', claimId: 'other' });
    // A shorter planned wait stays.
    expect((await notifyStep(stack.deps, 'NT-1', ['N-held'], 30)).timeoutSeconds).toBe(30);

    await stack.time!.advanceTo(START + lease * 1000);
    expect(await notifyStep(stack.deps, 'NT-1', ['N-held'], PLANNED)).toEqual({
      sent: 1,
      settled: 1,
      timeoutSeconds: PLANNED,
    });
    expect(await store.get('NT-1', 'N-held')).toMatchObject({ status: 'sent' });
    expect(await notifyStep(stack.deps, 'NT-1', ['N-held'], PLANNED)).toEqual({
      sent: 0,
      settled: 0,
      timeoutSeconds: PLANNED,
    });
    // Once by SMS and once to the topic (apology.due's channels).
    const sent = stack.outbox.messages.filter((m) => m.noticeId === 'N-held').map((m) => m.channel);
    expect(sent.sort()).toEqual(['sms', 'topic']);
  });
});
