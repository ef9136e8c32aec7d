import { afterEach, describe, expect, it } from 'vitest';
import { PARK_WAKE_LEAD_MS } from '../../functions/app/timing.ts';
import { DAY_MS, formatInstant, parseInstant } from '../../functions/core/instant.ts';
import { replay } from '../../local/replay.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { completed, lines, PROVINCE, received } from '../support/events.ts';

// Parking (functions/app/workflow/park.ts): an execution whose waits are all long ends, the store says when
// its next checkpoint is due, and the sweeper or an event starts the next attempt. On the real engine, store
// and handlers, in simulated time, parking waits over two hours (the embedded stack's default is a day).
const AT = '2026-03-02T08:00:00+07:00';
const start = parseInstant(AT);
// Two parallel steps of 3 and 2 working days: every wait is hours or days long.
const PARALLEL: [string, string, string][][] = [
  [
    ['land', 'vpdk', '3 working days'],
    ['tax', 'thue', '2 working days'],
  ],
  [['sign', 'xa', '1 working day']],
];

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const post = async (s: LocalStack, body: unknown) =>
  (await s.request('POST', '/events', JSON.stringify(body))).statusCode;

async function parkedStack(): Promise<LocalStack> {
  const s = await startLocalStack({ simulatedStart: start - 1000, parkAfterMinutes: 120 });
  for (const u of PROVINCE) expect(await post(s, u)).toBe(202);
  expect(await post(s, received('P-1', AT, '10 working days', PARALLEL))).toBe(202);
  await s.time!.settle();
  return s;
}

describe('parking', () => {
  it('ends an execution whose waits are all long, and records when to start the next one', async () => {
    stack = await parkedStack();
    const meta = await stack.deps.store.dossiers.get('P-1');
    expect(meta).toMatchObject({ attempt: 1, parkedAttempt: 1, tokens: {} });
    expect(await stack.executions.status('P-1', 1)).toBe('ended');
    expect(stack.stats()).toMatchObject({ executions: 1, parkedExecutions: 1, openExecutions: 0 });
    // Watched from its wake, a lead before the checkpoint it parked for (the earlier of the two steps' waits).
    expect(parseInstant(meta!.parkedUntil!) - parseInstant(meta!.watchAt!)).toBe(PARK_WAKE_LEAD_MS);
    expect(parseInstant(meta!.parkedUntil!)).toBeGreaterThan(start + 2 * 60 * 60_000);
  });

  it('an event of a parked dossier starts the next attempt at once, which applies it', async () => {
    stack = await parkedStack();
    await stack.time!.advanceTo(parseInstant('2026-03-02T10:00:00+07:00'));
    expect(await post(stack, completed('P-1', 'tax', '2026-03-02T10:00:00+07:00'))).toBe(202);
    await stack.time!.settle();
    const meta = await stack.deps.store.dossiers.get('P-1');
    // Attempt 2 re-planned from the store: tax is closed, land waits long again, and it parked once more.
    expect(meta).toMatchObject({ attempt: 2, parkedAttempt: 2, closedSteps: ['tax'], failedRestarts: 0 });
    expect(stack.stats()).toMatchObject({ executions: 2, parkedExecutions: 2, failedExecutions: 0 });
  });

  it('the sweeper starts a parked dossier before its checkpoint, which comes at the same instant as unparked', async () => {
    stack = await parkedStack();
    const until = (await stack.deps.store.dossiers.get('P-1'))!.parkedUntil!;
    await stack.time!.advanceTo(parseInstant(until) - 1);
    // Woken between the lead and one sweep after it: waiting (not parked) for its checkpoint.
    expect(stack.sweeps.woken).toBe(1);
    expect(stack.sweeps.restarted).toBe(0);
    expect(await stack.executions.status('P-1', 2)).toBe('running');
    expect((await stack.deps.store.dossiers.get('P-1'))?.parkedAttempt).toBeUndefined();
  });

  it('gives the same outcomes and notices as an execution that never parks', async () => {
    const events = [
      ...PROVINCE,
      received('P-1', AT, '10 working days', PARALLEL),
      received('P-2', AT, '5 working days', PARALLEL),
      completed('P-1', 'tax', '2026-03-03T09:00:00+07:00'),
      completed('P-1', 'land', '2026-03-06T16:00:00+07:00'),
      completed('P-2', 'land', '2026-03-04T11:00:00+07:00'),
    ];
    const until = start + 20 * DAY_MS;
    const never = await replay({ lines: lines(events), until, stack: { parkAfterMinutes: null } });
    const parked = await replay({ lines: lines(events), until, stack: { parkAfterMinutes: 120 } });
    expect(parked.stats.parkedExecutions).toBeGreaterThan(0);
    expect(never.stats.parkedExecutions).toBe(0);
    expect(parked.dossiers).toEqual(never.dossiers);
    const view = (r: typeof never) => r.notices.map((n) => [n.noticeId, n.status, n.at, n.unitId, n.text]);
    expect(view(parked)).toEqual(view(never));
    expect(never.notices.length).toBeGreaterThan(3);
  });

  it('a park is refused once a newer event is saved, and at start a parked dossier is left to its wake', async () => {
    stack = await parkedStack();
    const { dossiers } = stack.deps.store;
    const meta = (await dossiers.get('P-1'))!;
    const watchAt = formatInstant(start + DAY_MS);
    // The version folded (1 event) is older than a snapshot of 2 events: the execution waits again instead.
    await dossiers.save({ ...meta, version: 2 });
    expect(await dossiers.park('P-1', { attempt: 1, version: 1, until: watchAt, watchAt })).toBe(false);
    expect(await dossiers.park('P-1', { attempt: 1, version: 2, until: watchAt, watchAt })).toBe(true);
    expect(await stack.resume()).toMatchObject({ watched: 1, parked: 1, resumed: 0 });
  });
});
