import { randomUUID } from 'node:crypto';
import { formatInstant, type Instant } from '../../core/instant.ts';
import { composeFallback } from '../../core/messages.ts';
import type { Channel } from '../../core/notice-kinds.ts';
import { maskPhone, normaliseMobile } from '../../core/phone.ts';
import type { EncodedSms } from '../../core/sms.ts';
import type { NoticeRecord, Unit } from '../../schemas/records.ts';
import { cachedUnit } from '../dossiers.ts';
import { isTransientError } from '../errors.ts';
import type { DeliveryResult, Deps, TopicMessage } from '../ports.ts';
import { CLAIM_LEASE_MS } from '../timing.ts';

/**
 * The one notice sender, shared by Notify, the digest, the batches and the sweeper: a sender first
 * claims a notice (pending -> sending, conditional), so that two parallel checkpoints, a retry and the
 * sweeper never send the same notice twice; it sends; only the claimant settles it. A claim older than
 * CLAIM_LEASE_MS is taken over: its sender died between claim and settle (a send lasts seconds; a
 * Lambda function is stopped after 30).
 */

export const STALE_CLAIM_TAKEN_OVER = 'notice: a stale claim taken over (its sender died)';

/** A notice a sender may claim: pending, or claimed before `staleClaimBefore` by a sender that died. */
export function claimable(notice: NoticeRecord, staleClaimBefore: string): boolean {
  if (notice.status === 'pending') return true;
  return notice.status === 'sending' && (notice.claimedAt ?? '') < staleClaimBefore;
}

/** Claims a notice for this sender at `now`: the claim's id, or null when another sender holds it. */
export async function claim(
  deps: Deps,
  notice: Pick<NoticeRecord, 'dossierId' | 'noticeId'>,
  now: Instant,
): Promise<string | null> {
  const claimId = randomUUID();
  const at = formatInstant(now);
  const staleBefore = formatInstant(now - CLAIM_LEASE_MS);
  return (await deps.store.notices.claim(notice.dossierId, notice.noticeId, { claimId, at, staleBefore }))
    ? claimId
    : null;
}

/** Who an SMS is for: a citizen's number, or the head of a unit (null when the unit is not known). */
export type Recipient = { citizenPhone: string | null } | { unit: Unit | null; unitId: string };

/** Why a unit's head cannot be texted, in English for the record and in Vietnamese for the fallback text. */
function unreachable(r: { unit: Unit | null; unitId: string }): { ok: true; e164: string } | Unreachable {
  if (!r.unit)
    return { ok: false, reason: `unit ${r.unitId} is not known`, text: `mã đơn vị ${r.unitId} chưa được khai báo` };
  const phone = normaliseMobile(r.unit.head.phone);
  if (phone.ok) return phone;
  return {
    ok: false,
    reason: `head of ${r.unitId}: ${phone.reason}`,
    text: 'số của lãnh đạo không nhận được tin nhắn',
  };
}
type Unreachable = { ok: false; reason: string; text: string };

/**
 * Sends one claimed notice by SMS and records the result (sent, failed, or undeliverable with the
 * reason: recorded, never dropped silently). A head who cannot be texted (unit unknown, no mobile
 * number) is replaced by the provincial office's head, with the reason in the text (docs/law.md §2: a
 * notice never goes nowhere). A send that throws (throttling that outlived the adapter's retries) gives
 * the claim back, so that the workflow's retry or the sweeper sends it later.
 */
export async function sendAndSettle(
  deps: Deps,
  notice: NoticeRecord,
  recipient: Recipient,
  message: EncodedSms,
  at: string,
  claimId: string,
  channels: Channel[] = ['sms'],
): Promise<DeliveryResult> {
  let phone: { ok: true; e164: string } | Unreachable;
  let text = message;
  let fallbackReason: string | null = null;
  if ('citizenPhone' in recipient) {
    // The national portal's feed may give no number (docs/law.md §7): recorded undeliverable.
    const p =
      recipient.citizenPhone === null
        ? { ok: false as const, reason: 'the applicant gave no phone number' }
        : normaliseMobile(recipient.citizenPhone);
    phone = p.ok ? p : { ...p, text: p.reason };
  } else {
    phone = unreachable(recipient);
    const office = deps.policy.provincialOfficeUnitId;
    if (!phone.ok && office !== undefined && office !== recipient.unitId) {
      const officeUnit = await cachedUnit(deps, office);
      const officePhone = unreachable({ unit: officeUnit, unitId: office });
      if (officePhone.ok) {
        fallbackReason = `${phone.reason}: sent to the provincial office ${office}`;
        text = composeFallback(
          message,
          {
            brand: deps.policy.defaults.brand,
            intendedUnitName: recipient.unit?.name ?? 'đơn vị',
            reason: phone.text,
          },
          message.encoding,
        );
        phone = officePhone;
      }
    }
  }
  const textFields = { text: text.text, parts: text.parts, encoding: text.encoding };
  if (!phone.ok) {
    await deps.store.notices.settle(
      notice.dossierId,
      notice.noticeId,
      { status: 'undeliverable', at, ...textFields, reason: phone.reason, channels: without(channels, 'sms') },
      claimId,
    );
    return { status: 'undeliverable', reason: phone.reason };
  }
  let result: DeliveryResult;
  try {
    result = await deps.notifier.deliver({ ...outgoing(notice, text.text, at), phone: phone.e164 });
  } catch (err) {
    // else the sweeper takes the stale claim
    await deps.store.notices.release(notice.dossierId, notice.noticeId, claimId).catch(() => false);
    throw err;
  }
  const reason = [result.reason, fallbackReason].filter(Boolean).join('; ');
  // The message is out: its record must follow, or a retry would send it again. Transient store errors
  // are retried here rather than by the workflow. Only a crash between the send and this write can send
  // twice (the sweeper resends a stale claim): at least once, never lost.
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.store.notices.settle(
        notice.dossierId,
        notice.noticeId,
        {
          status: result.status,
          at,
          to: maskPhone(phone.e164),
          ...textFields,
          channels: result.status === 'sent' ? channels : without(channels, 'sms'),
          ...(result.messageId ? { messageId: result.messageId } : {}),
          ...(reason ? { reason } : {}),
        },
        claimId,
      );
      return result;
    } catch (err) {
      if (attempt >= SETTLE_ATTEMPTS || !isTransientError(err)) throw err;
    }
  }
}

const without = (channels: Channel[], c: Channel) => channels.filter((x) => x !== c);

/** A notice's text on its way out (SMS or topic): ids and the text, never a phone number. */
export function outgoing(notice: NoticeRecord, text: string, at: string): TopicMessage {
  return {
    noticeId: notice.noticeId,
    dossierId: notice.dossierId,
    kind: notice.kind,
    audience: notice.audience,
    unitId: notice.unitId,
    rung: notice.rung,
    text,
    at,
  };
}

const SETTLE_ATTEMPTS = 8;
