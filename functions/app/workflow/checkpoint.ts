import { formatInstant } from '../../core/instant.ts';
import { checkpointSeconds, policyFor } from '../../core/policy.ts';
import { loadDossierWithNotices } from '../dossiers.ts';
import type { Deps } from '../ports.ts';
import { TAKE_OVER_AFTER_MS } from '../timing.ts';
import { decide, noticeRecord } from './decide.ts';

/**
 * A checkpoint: the policy at now for this step and its dossier. Notices due are written once; those
 * whose audience window is open are handed to Notify, the others wake a later checkpoint.
 */
export async function checkpoint(
  deps: Deps,
  dossierId: string,
  stepId: string,
): Promise<{ completed: boolean; notices: string[]; timeoutSeconds: number }> {
  const { notices, ...dossier } = await loadDossierWithNotices(deps, dossierId);
  const { state } = dossier;
  const now = deps.now();
  const settings = policyFor(deps.policy, state.procedureCode);
  const step = state.steps.find((s) => s.stepId === stepId);
  if (!step || step.completedAt !== null || state.finishedAt !== null)
    return { completed: true, notices: [], timeoutSeconds: 1 };
  const decision = await decide(deps, dossier, stepId, now, settings);
  const existing = new Map(notices.map((n) => [n.noticeId, n]));
  const ready: string[] = [];
  let nextAt = decision.nextAt;
  for (const n of decision.due) {
    let record = existing.get(n.noticeId);
    if (!record) {
      record = noticeRecord(n, formatInstant(now));
      if (!(await deps.store.notices.put(record)))
        record = (await deps.store.notices.get(dossierId, n.noticeId)) ?? record;
    }
    existing.set(n.noticeId, record);
  }
  // Every notice of the dossier still waiting: sent when its window opens (deferred, never dropped).
  for (const record of existing.values()) {
    if (record.status === 'sending') {
      // Claimed by a sender that may have died: taken over when its claim is stale.
      const takeOverAt = Date.parse(record.claimedAt ?? record.sendAfter) + TAKE_OVER_AFTER_MS;
      if (takeOverAt <= now) ready.push(record.noticeId);
      else nextAt = nextAt === null ? takeOverAt : Math.min(nextAt, takeOverAt);
      continue;
    }
    if (record.status !== 'pending') continue;
    const sendAt = Date.parse(record.sendAfter) + decision.delay;
    if (sendAt <= now) ready.push(record.noticeId);
    else nextAt = nextAt === null ? sendAt : Math.min(nextAt, sendAt);
  }
  deps.logger.info('checkpoint', { dossierId, stepId, notices: ready.length });
  return { completed: false, notices: ready, timeoutSeconds: checkpointSeconds(nextAt, now, settings) };
}
