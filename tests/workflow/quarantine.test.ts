import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { key } from '../../functions/adapters/dynamodb/table.ts';
import { DOSSIER_QUARANTINED } from '../../functions/app/sweeper.ts';
import { DAY_MS, parseInstant } from '../../functions/core/instant.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { PROVINCE, received } from '../support/events.ts';

/**
 * A poison dossier: its stored receipt no longer parses, so every execution of it fails at Plan. The
 * sweeper restarts it as many times as allowed (3 by default), then quarantines it with the reason,
 * and never restarts it again; a healthy dossier beside it runs on.
 */
describe('the sweeper gives up on a poison dossier', () => {
  let stack: LocalStack;
  afterAll(() => stack?.close());

  it('restarts it three times, then quarantines it with the reason, visible in GET /dossiers/{id}', async () => {
    const start = parseInstant('2026-03-02T08:00:00+07:00');
    // Never parked: the count of attempts is the subject here (a parked attempt's wake is not a failure).
    stack = await startLocalStack({ simulatedStart: start, parkAfterMinutes: null });
    const errors: string[] = [];
    const logError = stack.deps.logger.error.bind(stack.deps.logger);
    stack.deps.logger.error = (message: string, ...rest: Record<string, unknown>[]) => {
      errors.push(message);
      logError(message, ...rest);
    };
    for (const u of PROVINCE) expect((await stack.request('POST', '/events', JSON.stringify(u))).statusCode).toBe(202);
    const steps: [string, string, string][][] = [[['work', 'xa', '3 working days']]];
    const poison = received('Q-1', '2026-03-02T08:00:00+07:00', '5 working days', steps);
    const healthy = received('Q-2', '2026-03-02T08:00:00+07:00', '5 working days', steps);
    for (const e of [poison, healthy])
      expect((await stack.request('POST', '/events', JSON.stringify(e))).statusCode).toBe(202);

    // The receipt of Q-1 is overwritten in the store with a body that no longer parses, and its live
    // execution is stopped: from now on every execution of Q-1 fails at Plan.
    const { doc, tableName } = stack.store.table;
    const item = {
      ...key.dossierEvent('Q-1', 'Q-1-received'),
      eventId: 'Q-1-received',
      type: 'dossier.received',
      at: start,
      body: '{"type":"dossier.received"}',
    };
    await doc.send(new PutCommand({ TableName: tableName, Item: item }));
    expect(stack.executions.abort('Q-1')).toBe(true);

    // The sweeper asks once the dead execution's announced wait (the step's warning) has passed.
    await stack.time!.advanceTo(start + 4 * DAY_MS);
    // Attempts 2, 3 and 4 were started and failed; the fourth death quarantines the dossier.
    expect(stack.sweeps.restarted).toBe(3);
    expect(stack.sweeps.quarantined).toBe(1);
    expect(stack.stats()).toMatchObject({ executions: 5, quarantinedDossiers: 1 });
    expect(errors.filter((m) => m === DOSSIER_QUARANTINED)).toHaveLength(1);

    const sheet = await stack.request('GET', '/dossiers/Q-1');
    expect(sheet.statusCode).toBe(200);
    const body = JSON.parse(sheet.body) as { quarantine?: { reason: string; attempts: number } };
    expect(body.quarantine?.attempts).toBe(4);
    expect(body.quarantine?.reason).toMatch(
      /^Dunghan\.StoredDataError: stored event Q-1-received of dossier Q-1 does not parse/,
    );

    // Never restarted again; the healthy dossier is not quarantined and still waits for its step.
    await stack.time!.advanceTo(start + 10 * DAY_MS);
    expect(stack.sweeps.restarted).toBe(3);
    expect(stack.stats().executions).toBe(5);
    const other = JSON.parse((await stack.request('GET', '/dossiers/Q-2')).body) as {
      status: string;
      quarantine?: unknown;
    };
    expect(other).toMatchObject({ status: 'in_progress' });
    expect(other.quarantine).toBeUndefined();
    expect(stack.executions.runningNames()).toEqual(['Q-2']);
  });
});
