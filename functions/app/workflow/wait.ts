import { formatInstant } from '../../core/instant.ts';
import type { Deps } from '../ports.ts';
import { WATCH_SLACK_MS } from '../timing.ts';
import { parkStageIfAllLong } from './park.ts';

/**
 * A step's wait begins: register its task token, only while the step is open. When the completion is
 * already in the store the registration fails and the wait is answered here (the callback race). A long
 * wait may park the stage (park.ts) when the stage's other waits are long too.
 */
export async function registerWait(
  deps: Deps,
  dossierId: string,
  stepId: string,
  token: string,
  timeoutSeconds?: number,
  stageSteps: readonly string[] = [stepId],
): Promise<{ registered: boolean; parked: boolean }> {
  // The registration is the execution's heartbeat: it will call again when this wait times out.
  const now = deps.now();
  const watch =
    timeoutSeconds === undefined
      ? undefined
      : { at: formatInstant(now + timeoutSeconds * 1000 + WATCH_SLACK_MS), now: formatInstant(now) };
  const meta = await deps.store.dossiers.registerToken(dossierId, stepId, token, watch);
  if (!meta) {
    await deps.callbacks.succeed(token, { completed: true });
    return { registered: false, parked: false };
  }
  // Its own wait, just written in `waits`, is one of the stage's: parked only if it is long too.
  const parked = timeoutSeconds !== undefined && (await parkStageIfAllLong(deps, meta, stepId, stageSteps, now));
  return { registered: true, parked };
}
