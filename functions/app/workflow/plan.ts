import type { DossierState } from '../../core/dossier.ts';
import { checkpointSeconds, policyFor } from '../../core/policy.ts';
import type { DossierEvent } from '../../schemas/events.ts';
import type { NoticeRecord } from '../../schemas/records.ts';
import { loadDossier, loadDossierWithNotices } from '../dossiers.ts';
import type { Deps } from '../ports.ts';
import { decide } from './decide.ts';

/**
 * The first Task states of the dossier-path workflow. Like every task, they read the store (the source
 * of truth) and return ids and numbers only: nothing personal enters execution history.
 */

/** Plan: the stages to run, in order, from the first with a step still open (an execution started again skips the rest). */
export async function plan(deps: Deps, dossierId: string): Promise<{ stages: number[] }> {
  const { state } = await loadDossier(deps, dossierId);
  const stages = [...new Set(state.steps.map((s) => s.stage))];
  const first = stages.findIndex((stage) => state.steps.some((s) => s.stage === stage && s.completedAt === null));
  return { stages: first === -1 ? [] : stages.slice(first) };
}

export interface StageWaits {
  /** The stage's open steps, each with the seconds until its next checkpoint. */
  steps: { stepId: string; timeoutSeconds: number }[];
  /** Their ids, handed to each step's wait (a stage parks when all its waits are long). */
  stepIds: string[];
}

/** Start a stage: its open steps, each with the seconds until its first checkpoint. */
export async function startStage(deps: Deps, dossierId: string, stage: number): Promise<StageWaits> {
  return stageWaits(deps, await loadDossierWithNotices(deps, dossierId), stage);
}

/** The open steps of a stage and the seconds to each one's next checkpoint, as of now. */
export async function stageWaits(
  deps: Deps,
  // The notices come with the events (one read of the partition: loadDossierWithNotices), needed or not.
  { notices, ...dossier }: { state: DossierState; events: DossierEvent[]; notices: NoticeRecord[] },
  stage: number,
): Promise<StageWaits> {
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
  return { steps, stepIds: steps.map((s) => s.stepId) };
}
