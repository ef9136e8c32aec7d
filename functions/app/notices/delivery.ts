import { formatInstant, type Instant } from '../../core/instant.ts';
import type { Deps } from '../ports.ts';
import { apologyFailed } from './notify.ts';

/**
 * Delivery statuses, as SNS SMS delivery status logging reports them (docs/law.md §6): recorded on the
 * notice with the provider's reason. A Vietnamese carrier's receipt is an acknowledgement at best, not
 * proof: "delivered" proves nothing and silence means nothing, so nothing is ever resent from here. A
 * citizen apology that failed is told to its unit's head through the topic, so that the citizen is told
 * another way.
 */

export interface DeliveryStatus {
  /** The provider's message id (SNS MessageId). */
  messageId: string;
  status: 'delivered' | 'failed';
  /** The provider's response, as logged. */
  reason: string;
  at: Instant;
}

export const DELIVERY_FOR_UNKNOWN_MESSAGE = 'delivery status: no notice has this message id';

export async function recordDeliveryStatuses(
  deps: Deps,
  statuses: readonly DeliveryStatus[],
): Promise<{ recorded: number; unknown: number; apologiesFailed: number }> {
  let recorded = 0;
  let unknown = 0;
  let apologiesFailed = 0;
  for (const s of statuses) {
    const ref = await deps.store.notices.byMessage(s.messageId);
    if (!ref) {
      // Another sender in the account, or a message older than the store: said once, ids only.
      deps.logger.warn(DELIVERY_FOR_UNKNOWN_MESSAGE, { messageId: s.messageId });
      unknown++;
      continue;
    }
    const delivery = { status: s.status, at: formatInstant(s.at), reason: s.reason };
    if (!(await deps.store.notices.recordDelivery(ref.dossierId, ref.noticeId, delivery))) continue;
    recorded++;
    deps.logger.info('delivery status', { noticeId: ref.noticeId, status: s.status });
    if (s.status !== 'failed') continue;
    const notice = await deps.store.notices.get(ref.dossierId, ref.noticeId);
    if (notice?.kind === 'citizen.apology') {
      await apologyFailed(deps, notice, s.reason);
      apologiesFailed++;
    }
  }
  return { recorded, unknown, apologiesFailed };
}
