import { formatInstant } from '../../core/instant.ts';
import type { Channel } from '../../core/notice-kinds.ts';
import type { EncodedSms } from '../../core/sms.ts';
import type { PolicySettings } from '../../schemas/policy.ts';
import type { NoticeRecord } from '../../schemas/records.ts';
import type { DeliveryResult, Deps } from '../ports.ts';
import { joinBatch } from './batch.ts';
import { digestId, nextDigestDay, takeSlot } from './folding.ts';
import { outgoing, type Recipient, sendAndSettle } from './sender.ts';

/**
 * Where a claimed notice goes, by its kind's channels in the policy (docs/law.md §6): the escalation
 * topic at once; an SMS, unless the head has had the day's cap of SMS (then into the next morning
 * digest) or it is an escalation batched with the others of its rung to the same head; or, with no
 * SMS channel, into the recipient's next morning digest. A notice folded into a digest is recorded as
 * such (status 'folded', the digest's id), never dropped.
 */
export async function dispatch(
  deps: Deps,
  notice: NoticeRecord,
  claimId: string,
  message: EncodedSms,
  settings: PolicySettings,
  recipient: Recipient,
): Promise<DeliveryResult> {
  const now = deps.now();
  const at = formatInstant(now);
  const wanted = settings.channels[notice.kind];
  const used: Channel[] = [];
  let topicReason: string | undefined;
  if (wanted.includes('topic')) {
    const copy = await deps.notifier
      .publish(outgoing(notice, message.text, at))
      .catch((err: unknown): DeliveryResult => ({ status: 'failed', reason: (err as Error).name }));
    if (copy.status === 'sent') used.push('topic');
    else topicReason = `escalation topic copy not published (${copy.reason ?? copy.status})`;
  }
  const textFields = { text: message.text, encoding: message.encoding };
  const settle = async (fields: Omit<Parameters<Deps['store']['notices']['settle']>[2], 'at'>) => {
    const reason = [fields.reason, topicReason].filter(Boolean).join('; ');
    await deps.store.notices.settle(
      notice.dossierId,
      notice.noticeId,
      { ...fields, at, ...textFields, ...(reason ? { reason } : {}) },
      claimId,
    );
  };
  const fold = async (reason?: string): Promise<DeliveryResult> => {
    const day = nextDigestDay(deps.calendar, now, settings);
    await settle({
      status: 'folded',
      channels: [...used, 'digest'],
      digest: { id: digestId(notice.unitId, day), day, unitId: notice.unitId },
      ...(reason ? { reason } : {}),
    });
    return { status: 'sent' };
  };
  const head = !('citizenPhone' in recipient);
  if (wanted.includes('sms')) {
    if (head && notice.kind === 'head.escalation' && settings.batchMinutes > 0) {
      const batchId = await joinBatch(deps, notice, now, settings);
      await settle({ status: 'batched', channels: [...used, 'sms'], batchId });
      return { status: 'sent' };
    }
    // Citizens are not capped: one apology per dossier, by law (docs/law.md §2).
    if (head && !(await takeSlot(deps, notice.unitId, notice.noticeId, now, settings.smsCapPerDay)))
      return fold(`past the daily cap of ${settings.smsCapPerDay} SMS to the head of ${notice.unitId}`);
    const result = await sendAndSettle(deps, notice, recipient, message, at, claimId, [...used, 'sms']);
    return result;
  }
  if (wanted.includes('digest')) return fold();
  await settle({ status: used.length > 0 ? 'sent' : 'failed', channels: used });
  return { status: used.length > 0 ? 'sent' : 'failed' };
}
