import { formatInstant } from '../../core/instant.ts';
import type { Deps } from '../ports.ts';
import { WATCH_SLACK_MS } from '../timing.ts';

/**
 * A step's wait begins: register its task token, only while the step is open. When the completion is
 * already in the store the registration fails and the wait is answered here (the callback race).
 */
export async function registerWait(
  deps: Deps,
  dossierId: string,
  stepId: string,
  token: string,
  timeoutSeconds?: number,
): Promise<{ registered: boolean }> {
  // The registration is the execution's heartbeat: it will call again when this wait times out.
  const now = deps.now();
  const watch =
    timeoutSeconds === undefined
      ? undefined
      : { at: formatInstant(now + timeoutSeconds * 1000 + WATCH_SLACK_MS), now: formatInstant(now) };
  const registered = await deps.store.dossiers.registerToken(dossierId, stepId, token, watch);
  if (!registered) await deps.callbacks.succeed(token, { completed: true });
  return { registered };
}
