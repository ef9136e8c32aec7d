import { randomUUID } from 'node:crypto';
import { formatInstant, type Instant } from '../../core/instant.ts';
import { maskPhone, normaliseMobile } from '../../core/phone.ts';
import type { EncodedSms } from '../../core/sms.ts';
import type { NoticeRecord } from '../../schemas/records.ts';
import { isTransientError } from '../errors.ts';
import type { DeliveryResult, Deps } from '../ports.ts';
import { CLAIM_LEASE_MS } from '../timing.ts';

/**
 * The one notice sender, shared by Notify, the digest and the sweeper: a sender first claims a notice
 * (pending -> sending, conditional), so that two parallel checkpoints, a retry and the sweeper never
 * send the same notice twice; it sends; only the claimant settles it. A claim older than
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

/**
 * Sends one claimed notice to a phone number and records the result (sent, failed, or undeliverable
 * with the reason: recorded, never dropped silently; escalations to heads are separate notices).
 * A send that throws (throttling that outlived the adapter's retries) gives the claim back, so that the
 * workflow's retry or the sweeper sends it later.
 */
export async function sendAndSettle(
  deps: Deps,
  notice: NoticeRecord,
  phoneText: string | null,
  message: EncodedSms,
  at: string,
  claimId: string,
): Promise<DeliveryResult> {
  const phone =
    phoneText !== null
      ? normaliseMobile(phoneText)
      : notice.audience === 'citizen'
        ? { ok: false as const, reason: 'the applicant gave no phone number' }
        : { ok: false as const, reason: `unit ${notice.unitId} is not known` };
  const textFields = { text: message.text, parts: message.parts, encoding: message.encoding };
  if (!phone.ok) {
    await deps.store.notices.settle(
      notice.dossierId,
      notice.noticeId,
      { status: 'undeliverable', at, ...textFields, reason: phone.reason },
      claimId,
    );
    return { status: 'undeliverable', reason: phone.reason };
  }
  let result: Awaited<ReturnType<Deps['notifier']['deliver']>>;
  try {
    result = await deps.notifier.deliver({
      noticeId: notice.noticeId,
      dossierId: notice.dossierId,
      kind: notice.kind,
      audience: notice.audience,
      unitId: notice.unitId,
      rung: notice.rung,
      phone: phone.e164,
      text: message.text,
      at,
    });
  } catch (err) {
    // else the sweeper takes the stale claim
    await deps.store.notices.release(notice.dossierId, notice.noticeId, claimId).catch(() => false);
    throw err;
  }
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
          ...(result.reason ? { reason: result.reason } : {}),
        },
        claimId,
      );
      return result;
    } catch (err) {
      if (attempt >= SETTLE_ATTEMPTS || !isTransientError(err)) throw err;
    }
  }
}

const SETTLE_ATTEMPTS = 8;
