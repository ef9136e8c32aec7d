import { checkpointSeconds, policyFor } from '../../core/policy.ts';
import { loadDossier, loadDossierWithNotices } from '../dossiers.ts';
import type { Deps } from '../ports.ts';
import { decide } from './decide.ts';

/**
 * The first Task states of the dossier-path workflow. Like every task, they read the store (the source
 * of truth) and return ids and numbers only: nothing personal enters execution history.
 */

/** Plan: the stages to run, in order. */
export async function plan(deps: Deps, dossierId: string): Promise<{ stages: number[] }> {
  const { state } = await loadDossier(deps, dossierId);
  return { stages: [...new Set(state.steps.map((s) => s.stage))] };
}

/** Start a stage: its open steps, each with the seconds until its first checkpoint. */
export async function startStage(
  deps: Deps,
  dossierId: string,
  stage: number,
): Promise<{ steps: { stepId: string; timeoutSeconds: number }[] }> {
  // The notices come with the events (one read of the partition), needed or not.
  const { notices, ...dossier } = await loadDossierWithNotices(deps, dossierId);
  const { state } = dossier;
  const now = deps.now();
  const settings = policyFor(deps.policy, state.procedureCode);
  const open =
    state.finishedAt === null
      ? state.steps.filter((s) => s.stage === stage && s.handedOverAt !== null && s.completedAt === null)
      : [];
  // Notices of the dossier written by an earlier stage's checkpoint and still waiting for their window:
  // this stage's first checkpoint sends them when it opens.
  const written = open.length === 0 ? [] : notices;
  const waiting = written.filter((n) => n.status === 'pending');
  const known = new Set(written.map((n) => n.noticeId));
  const steps = [];
  for (const s of open) {
    const { due, nextAt, delay } = await decide(deps, dossier, s.stepId, now, settings);
    // Notices due already but never written (an execution restarted after its predecessor died): the
    // first checkpoint comes at once.
    let next = due.some((n) => !known.has(n.noticeId)) ? now : nextAt;
    for (const n of waiting) {
      const sendAt = Math.max(now, Date.parse(n.sendAfter) + delay);
      next = next === null ? sendAt : Math.min(next, sendAt);
    }
    steps.push({ stepId: s.stepId, timeoutSeconds: checkpointSeconds(next, now, settings) });
  }
  return { steps };
}
