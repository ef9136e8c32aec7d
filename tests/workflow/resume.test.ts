import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { key } from '../../functions/adapters/dynamodb/table.ts';
import { restartExecution } from '../../functions/app/resume.ts';
import { formatInstant } from '../../functions/core/instant.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { PROVINCE, received } from '../support/events.ts';
import { pendingNotice } from '../support/store.ts';
import { tempDir } from '../support/temp.ts';

// The start of an embedded stack on a data folder that a previous process left: its executions died with
// it, the store holds the truth. Real time, the real store and engine, one process at a time.
const data = tempDir('dunghan-resume-')();

const post = async (stack: LocalStack, body: unknown) =>
  (await stack.request('POST', '/events', JSON.stringify(body))).statusCode;
const AT = '2026-03-02T08:00:00+07:00';
const notice = (dossierId: string, noticeId: string) => pendingNotice(dossierId, noticeId, AT);

describe('resume at start', () => {
  it('starts again every watched dossier’s execution once, and gives back the claims of the dead process', async () => {
    const first = await startLocalStack({ dataPath: data });
    for (const u of PROVINCE) expect(await post(first, u)).toBe(202);
    for (const id of ['R-1', 'R-2', 'R-3'])
      expect(await post(first, received(id, AT, '10 working days', [[['a', 'xa', '2 working days']]]))).toBe(202);
    while (first.tokens.size < 3) await new Promise((r) => setTimeout(r, 10));
    // R-3's execution already died three times in a row before reaching a wait: the sweeper decides.
    await first.store.table.doc.send(
      new UpdateCommand({
        TableName: first.store.table.tableName,
        Key: key.dossier('R-3'),
        UpdateExpression: 'SET failedRestarts = :n',
        ExpressionAttributeValues: { ':n': 3 },
      }),
    );
    // Two notices claimed by senders: one of this process, which then dies (its claim is left), …
    await first.store.notices.put(notice('R-1', 'N-dead'));
    expect(
      await first.store.notices.claim('R-1', 'N-dead', { claimId: 'c-dead', at: '2026-03-02T08:01:00+07:00' }),
    ).toBe(true);
    expect(await first.close()).toBe(true);

    const second = await startLocalStack({ dataPath: data });
    try {
      // … and one claimed by the new process itself, before its resume runs: not another's to give back.
      await second.store.notices.put(notice('R-2', 'N-live'));
      const now = formatInstant(second.deps.now() + 1000);
      expect(await second.store.notices.claim('R-2', 'N-live', { claimId: 'c-live', at: now })).toBe(true);
      expect(await second.resume()).toEqual({
        watched: 3,
        resumed: 2,
        alive: 0,
        parked: 0,
        leftToSweeper: 1,
        releasedClaims: 1,
        errors: 0,
      });
      expect(await second.executions.status('R-1', 2)).toBe('running');
      while (second.tokens.size < 2) await new Promise((r) => setTimeout(r, 10));
      const metas = await Promise.all(['R-1', 'R-2', 'R-3'].map((id) => second.store.dossiers.get(id)));
      expect(metas.map((m) => m?.attempt)).toEqual([2, 2, 1]);
      expect((await second.store.notices.get('R-1', 'N-dead'))?.status).toBe('pending');
      expect((await second.store.notices.get('R-2', 'N-live'))?.status).toBe('sending');
      // Started again once only: a second resume finds them running.
      expect(await second.resume()).toMatchObject({ watched: 3, resumed: 0, alive: 2, leftToSweeper: 1 });
    } finally {
      await second.close();
    }
  });

  it('a restart at start does not count towards quarantine; the sweeper’s does', async () => {
    const stack = await startLocalStack();
    try {
      for (const u of PROVINCE) expect(await post(stack, u)).toBe(202);
      expect(await post(stack, received('R-9', AT, '10 working days', [[['a', 'xa', '2 working days']]]))).toBe(202);
      // Its execution has reached its wait (which resets the count) before the restarts below.
      while (stack.tokens.size < 1) await new Promise((r) => setTimeout(r, 10));
      const watchAt = '2026-12-31T08:00:00+07:00';
      const watch = (fromAttempt: number, countFailure: boolean) =>
        stack.store.dossiers.watchExecution('R-9', { attempt: fromAttempt + 1, fromAttempt, watchAt, countFailure });
      expect(await watch(1, false)).toBe(true);
      expect((await stack.store.dossiers.get('R-9'))?.failedRestarts).toBe(0);
      expect(await watch(2, true)).toBe(true);
      expect((await stack.store.dossiers.get('R-9'))?.failedRestarts).toBe(1);
      // Conditional on the attempt it moves from: a second writer from the same attempt loses.
      expect(await watch(2, false)).toBe(false);
    } finally {
      await stack.close();
    }
  });

  it('a restart whose very write another writer made first still starts that attempt, once', async () => {
    const stack = await startLocalStack({ parkAfterMinutes: null });
    try {
      for (const u of PROVINCE) expect(await post(stack, u)).toBe(202);
      expect(await post(stack, received('R-7', AT, '10 working days', [[['a', 'xa', '2 working days']]]))).toBe(202);
      while (stack.tokens.size < 1) await new Promise((r) => setTimeout(r, 10));
      expect(stack.executions.abort('R-7')).toBe(true);
      // The other writer (a sweep beside this one, or this write's own lost answer) moved R-7 to attempt 2
      // and died before its start: this restart meets its condition failed.
      const { dossiers } = stack.deps.store;
      const watch = dossiers.watchExecution.bind(dossiers);
      dossiers.watchExecution = async (id, w) => (await watch(id, w)) && false;
      const now = Date.now();
      expect(
        await restartExecution(stack.deps, { dossierId: 'R-7', attempt: 1 }, now, { countFailure: true, was: 'ended' }),
      ).toBe(true);
      expect(await stack.executions.status('R-7', 2)).toBe('running');
      // A writer that moved it elsewhere (attempt 3 from 2) wins: this one, from 1, starts nothing.
      dossiers.watchExecution = watch;
      expect(
        await dossiers.watchExecution('R-7', { attempt: 3, fromAttempt: 2, watchAt: formatInstant(now + 60_000) }),
      ).toBe(true);
      expect(
        await restartExecution(stack.deps, { dossierId: 'R-7', attempt: 1 }, now, { countFailure: true, was: 'ended' }),
      ).toBe(false);
      expect(stack.stats().executions).toBe(2);
    } finally {
      await stack.close();
    }
  });
});
