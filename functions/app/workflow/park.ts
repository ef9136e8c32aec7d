import { formatInstant, type Instant, MINUTE_MS, parseInstant } from '../../core/instant.ts';
import type { DossierMeta } from '../../schemas/records.ts';
import { loadDossierWithNotices } from '../dossiers.ts';
import type { Deps } from '../ports.ts';
import { PARK_WAKE_LEAD_MS, WATCH_SLACK_MS } from '../timing.ts';
import { stageWaits } from './plan.ts';

/**
 * Parking (README, "Scale"): an execution whose open steps all wait longer than the policy's
 * `operations.parkAfterMinutes` ends, and the dossier's META records when its next checkpoint is due.
 * The sweeper starts the next attempt PARK_WAKE_LEAD_MS before it; an event of the dossier starts it at
 * once. The new execution re-plans from the store, as every restart does, and its first wait ends at the
 * same checkpoint the parked one would have reached. Fewer open executions (the quota that binds first
 * on AWS; memory on the embedded stack) for a few more state transitions per long wait.
 */

/** The error a stage's parked waits are failed with (caught by the Map of its steps). */
export const PARKED_ERROR = 'Dunghan.Parked';

/** The longest wait an execution keeps open (ms); null: it never parks. */
export function parkAfterMs(deps: Deps): number | null {
  const minutes = deps.policy.operations.parkAfterMinutes;
  return minutes === null ? null : minutes * MINUTE_MS;
}

/**
 * A step's wait just registered with a long timeout: when every other open step of its stage waits long
 * too (registered, its wait ending past the horizon), the stage's waits are all answered as parked at
 * once (each token only if still registered), and the execution goes on to EndStage.
 */
export async function parkStageIfAllLong(
  deps: Deps,
  meta: DossierMeta,
  stepId: string,
  stageSteps: readonly string[],
  now: Instant,
): Promise<boolean> {
  const after = parkAfterMs(deps);
  if (after === null) return false;
  const horizon = now + after;
  const tokens: Record<string, string> = {};
  for (const s of stageSteps) {
    if (meta.closedSteps.includes(s)) continue;
    const token = meta.tokens[s];
    const until = meta.waits[s];
    // A wait's watch is its end plus the slack.
    if (token === undefined || until === undefined || parseInstant(until) - WATCH_SLACK_MS <= horizon) return false;
    tokens[s] = token;
  }
  if (tokens[stepId] === undefined || !(await deps.store.dossiers.parkWaits(meta.dossierId, tokens))) return false;
  // Failed, not answered: the Map of the stage's steps ends on the first, and its Catch goes to EndStage.
  const cause = 'every open step of the stage waits long';
  await Promise.all(Object.values(tokens).map((t) => deps.callbacks.fail(t, PARKED_ERROR, cause)));
  return true;
}

/**
 * A stage's waits have all ended. 'done': no step of the stage is open (the next stage, or Finalize).
 * 'park': every open step's next checkpoint is past the horizon, and the park is recorded (only if no
 * newer event was saved meanwhile). 'wait': the steps wait again (StartStage): an event came, a
 * checkpoint is near, or parking is off.
 */
export async function endStage(
  deps: Deps,
  dossierId: string,
  stage: number,
): Promise<{ next: 'done' | 'park' | 'wait' }> {
  const dossier = await loadDossierWithNotices(deps, dossierId);
  const { steps } = await stageWaits(deps, dossier, stage);
  if (steps.length === 0) return { next: 'done' };
  const after = parkAfterMs(deps);
  const seconds = Math.min(...steps.map((s) => s.timeoutSeconds));
  if (after === null || seconds * 1000 <= after) return { next: 'wait' };
  const meta = await deps.store.dossiers.get(dossierId);
  if (!meta) return { next: 'wait' };
  const until = deps.now() + seconds * 1000;
  const parked = await deps.store.dossiers.park(dossierId, {
    attempt: meta.attempt,
    version: dossier.events.length,
    until: formatInstant(until),
    watchAt: formatInstant(until - PARK_WAKE_LEAD_MS),
  });
  if (parked) deps.logger.info('execution parked', { dossierId, attempt: meta.attempt, until: formatInstant(until) });
  return { next: parked ? 'park' : 'wait' };
}
