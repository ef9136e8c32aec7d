import { describe, expect, it } from 'vitest';
import { joinBatch } from '../../functions/app/notices/batch.ts';
import { claim } from '../../functions/app/notices/sender.ts';
import { parseInstant } from '../../functions/core/instant.ts';
import type { NoticeRecord } from '../../functions/schemas/records.ts';
import { startLocalStack } from '../../local/stack.ts';
import { pendingNotice } from '../support/store.ts';

// An escalation whose sender died after joining its batch (before settling the notice as batched) is taken
// over once the claim is stale: the new sender must find the batch it is in, not join the batch of its own
// window too (the head would get the escalation twice: by the first batch's SMS and in the second's).
describe('a batch member taken over from a dead sender', () => {
  it('stays in the batch the dead sender joined, even once that batch has been sent', async () => {
    const stack = await startLocalStack();
    try {
      const { deps } = stack;
      const settings = deps.policy.defaults;
      const at = '2026-03-17T07:16:00+07:00';
      const escalation: NoticeRecord = {
        ...pendingNotice('B-1', 'B-1/head.escalation/r2/v1', at),
        kind: 'head.escalation',
        rung: 2,
        stepId: null,
        audience: 'head',
      };
      expect(await deps.store.notices.put(escalation)).toBe(true);
      // The first sender claims it at 07:16 and joins the batch of 07:15-07:30, then dies.
      const t1 = parseInstant(at);
      expect(await claim(deps, escalation, t1)).not.toBeNull();
      const first = await joinBatch(deps, escalation, t1, settings);
      expect(first).toBe('batch/xa/r2/2026-03-17T0715');
      // The sweeper sends that batch at 07:30 (it is claimed: closed to new members).
      const batch = (await deps.store.notices.get('BATCH-2026-03-17', first))!;
      expect(await claim(deps, batch, parseInstant('2026-03-17T07:30:00+07:00'))).not.toBeNull();
      // At 07:45 the stale claim is taken over: the notice as read then is 'sending' since 07:16.
      const stale = (await deps.store.notices.get('B-1', escalation.noticeId))!;
      expect(stale).toMatchObject({ status: 'sending', claimedAt: at });
      const t2 = parseInstant('2026-03-17T07:45:00+07:00');
      expect(await joinBatch(deps, stale, t2, settings)).toBe(first);
      expect(await deps.store.notices.get('BATCH-2026-03-17', 'batch/xa/r2/2026-03-17T0745')).toBeNull();
      // Two senders died in turn: the first joined 07:15-07:30 and the second, at 07:30, found it there; the third,
      // at 07:45, must find it too though the claim it takes over is of 07:30 (a window whose batch is open).
      const twice = (await deps.store.notices.get('B-1', escalation.noticeId))!;
      expect(await claim(deps, twice, t2)).not.toBeNull();
      const relayed = (await deps.store.notices.get('B-1', escalation.noticeId))!;
      expect(await joinBatch(deps, relayed, parseInstant('2026-03-17T08:05:00+07:00'), settings)).toBe(first);
      // A notice never claimed before joins the batch of its own window.
      const other: NoticeRecord = { ...escalation, dossierId: 'B-2', noticeId: 'B-2/head.escalation/r2/v1' };
      expect(await deps.store.notices.put(other)).toBe(true);
      expect(await joinBatch(deps, other, t2, settings)).toBe('batch/xa/r2/2026-03-17T0745');
    } finally {
      await stack.close();
    }
  });
});
