import { controlSheet } from '../../core/control-sheet.ts';
import { DUNGHAN_APOLOGY_PREFIX } from '../../core/dossier.ts';
import { formatInstant, type Instant } from '../../core/instant.ts';
import { composeNotice, type NoticeContext } from '../../core/messages.ts';
import { newAppointment, noticeId, policyFor } from '../../core/policy.ts';
import type { NoticeRecord } from '../../schemas/records.ts';
import { cachedUnit, loadDossier } from '../dossiers.ts';
import { isTransientError } from '../errors.ts';
import { ingestEvent } from '../intake.ts';
import type { Deps } from '../ports.ts';
import { CLAIM_LEASE_MS, TAKE_OVER_AFTER_MS } from '../timing.ts';
import { dispatch } from './channels.ts';
import { claim, claimable, STALE_CLAIM_TAKEN_OVER } from './sender.ts';
import { alarmOrdinal } from './supplement.ts';

/**
 * Sends a dossier's pending notices whose window is open, each once (claimed first: see sender.ts). A
 * sent citizen apology is the dossier's one reschedule: it is recorded as an apology.issued event,
 * through the same intake as an officer's. `heldElsewhere`: a notice handed over was
 * claimed by another sender (perhaps this function's own attempt that crashed after claiming, which the
 * workflow retries): the step's wait then ends when that claim would be stale, so that a dead sender
 * delays its notice by the lease, not until the sweeper.
 */
export async function notify(
  deps: Deps,
  dossierId: string,
  noticeIds: readonly string[],
  options: { immediate?: boolean } = {},
): Promise<{ sent: number; settled: number; heldElsewhere: boolean }> {
  let sent = 0;
  let settled = 0;
  let heldElsewhere = false;
  const { state, events } = await loadDossier(deps, dossierId);
  const now = deps.now();
  const settings = policyFor(deps.policy, state.procedureCode);
  const sheet = controlSheet(deps.calendar, state, now);
  const received = events.find((e) => e.type === 'dossier.received');
  const applicantPhone = received?.type === 'dossier.received' ? (received.applicant.phone ?? null) : null;
  const limitUnit = received?.type === 'dossier.received' ? received.limit.unit : 'days';
  const delay = options.immediate ? 0 : settings.decisionDelaySeconds * 1000;
  for (const id of noticeIds) {
    const notice = await deps.store.notices.get(dossierId, id);
    const staleBefore = formatInstant(now - CLAIM_LEASE_MS);
    if (notice?.status === 'sending' && !claimable(notice, staleBefore)) heldElsewhere = true;
    if (!notice || !claimable(notice, staleBefore) || Date.parse(notice.sendAfter) + delay > now) continue;
    const at = formatInstant(now);
    const claimId = await claim(deps, notice, now);
    if (claimId === null) {
      heldElsewhere = true;
      continue;
    }
    if (notice.status === 'sending') deps.logger.warn(STALE_CLAIM_TAKEN_OVER, { dossierId, noticeId: id });
    const step = notice.stepId === null ? null : (sheet.steps.find((s) => s.stepId === notice.stepId) ?? null);
    const cancel =
      state.finishedAt !== null
        ? `dossier ${state.status}`
        : notice.kind === 'citizen.apology' && state.apology !== null
          ? 'an apology was already made'
          : notice.kind === 'step.warning' && (step?.completedAt != null || (step?.dueAt != null && step.dueAt <= now))
            ? 'the step is completed or already past its due (the escalation speaks for it)'
            : null;
    if (cancel !== null) {
      await deps.store.notices.settle(dossierId, id, { status: 'cancelled', at, reason: cancel }, claimId);
      settled++;
      continue;
    }
    const unit = await cachedUnit(deps, notice.unitId);
    const subject = notice.subjectUnitId === notice.unitId ? unit : await cachedUnit(deps, notice.subjectUnitId);
    const stepState = state.steps.find((s) => s.stepId === notice.stepId);
    const context: NoticeContext = {
      brand: settings.brand,
      dossierId,
      procedureName: state.procedureName,
      unitName: unit?.name ?? 'đơn vị',
      subjectUnitName: subject?.name ?? 'đơn vị',
      dueAt: notice.kind === 'step.warning' ? (step?.dueAt ?? null) : sheet.statutoryDueAt,
      rung: notice.rung,
      stepName: stepState?.name ?? notice.stepId,
    };
    let newDueAt: Instant | null = null;
    // The unit apologising for its own delay says so plainly; another unit's delay is named.
    const reason = notice.subjectUnitId === notice.unitId ? 'chậm xử lý' : `chậm xử lý tại ${context.subjectUnitName}`;
    if (notice.kind === 'citizen.apology') {
      newDueAt = newAppointment(deps.calendar, state, now, limitUnit);
      Object.assign(context, { reason, newDueAt, newDueWithTime: limitUnit === 'hours' });
    }
    if (notice.kind === 'supplement.alarm')
      context.supplement = {
        ordinal: alarmOrdinal(notice.noticeId),
        askedBy: context.subjectUnitName,
        priority: state.priority,
      };
    if (notice.kind === 'delivery.failed') context.failure = failureText(notice.reason);
    const message = composeNotice(notice.kind, context, {
      ...settings,
      sms: settings.channels[notice.kind].includes('sms'),
    });
    const recipient =
      notice.audience === 'citizen' ? { citizenPhone: applicantPhone } : { unit, unitId: notice.unitId };
    const result = await dispatch(deps, notice, claimId, message, settings, recipient);
    settled++;
    if (notice.kind === 'citizen.apology' && result.status === 'undeliverable')
      await apologyFailed(deps, notice, result.reason ?? 'undeliverable');
    if (result.status !== 'sent') continue;
    sent++;
    if (notice.kind === 'citizen.apology' && newDueAt !== null) {
      // docs/law.md §2: the apology states a new date, and the appointment is rescheduled once.
      await recordApology(deps, { noticeId: id, dossierId, unitId: notice.unitId, at, reason, newDueAt });
    }
  }
  return { sent, settled, heldElsewhere };
}

/**
 * A citizen apology that cannot reach the citizen (no mobile number; a permanent failure the provider
 * logged): the unit's head is told through the topic, so that the citizen is told another way. Its id
 * is deterministic: once per apology.
 */
export async function apologyFailed(deps: Deps, apology: NoticeRecord, reason: string): Promise<void> {
  const now = deps.now();
  const record: NoticeRecord = {
    noticeId: noticeId(apology.dossierId, 'delivery.failed', apology.noticeId.split('/').slice(1).join('-'), 0),
    dossierId: apology.dossierId,
    kind: 'delivery.failed',
    rung: null,
    stepId: null,
    unitId: apology.unitId,
    subjectUnitId: apology.unitId,
    audience: 'head',
    dueAt: formatInstant(now),
    sendAfter: formatInstant(now),
    version: 0,
    createdAt: formatInstant(now),
    status: 'pending',
    reason,
  };
  await deps.store.notices.put(record);
  await notify(deps, apology.dossierId, [record.noticeId], { immediate: true });
}

/**
 * Records a sent citizen apology as the dossier's reschedule. The SMS is out: a refusal cannot undo it,
 * so it is logged as an error (ids only) for the operators, never dropped silently; a transient error
 * is thrown for the workflow to retry.
 */
async function recordApology(
  deps: Deps,
  a: { noticeId: string; dossierId: string; unitId: string; at: string; reason: string; newDueAt: Instant },
): Promise<void> {
  const eventId = `${DUNGHAN_APOLOGY_PREFIX}${a.noticeId.replaceAll('/', ':')}`;
  const event = {
    eventId,
    type: 'apology.issued',
    at: a.at,
    dossierId: a.dossierId,
    unitId: a.unitId,
    reason: a.reason,
    newDueAt: formatInstant(a.newDueAt),
  };
  let refusal: string | null;
  try {
    const outcome = await ingestEvent(deps, event);
    refusal = outcome.status === 'kept' ? outcome.reason : null;
  } catch (err) {
    if (isTransientError(err)) throw err;
    refusal = `${(err as Error).name}: ${(err as Error).message}`;
  }
  if (refusal !== null) {
    deps.logger.error(APOLOGY_NOT_RECORDED, { dossierId: a.dossierId, noticeId: a.noticeId, eventId, reason: refusal });
  }
}

/** The provider's reason, said plainly in Vietnamese where it is one of the common ones. */
function failureText(reason: string | undefined): string {
  if (!reason) return 'nhà mạng báo lỗi';
  if (/not a mobile/i.test(reason)) return 'số điện thoại không phải số di động';
  if (/not a valid/i.test(reason)) return 'số điện thoại không hợp lệ';
  if (/blocked|opted out/i.test(reason)) return 'nhà mạng chặn tin nhắn';
  if (/unreachable|unavailable|switched off/i.test(reason)) return 'máy không liên lạc được';
  return 'nhà mạng báo lỗi';
}

export const APOLOGY_NOT_RECORDED = 'notice: a citizen apology was sent but its reschedule was not recorded';

/**
 * The Notify task: sends, then gives the step's next wait. The checkpoint planned it (`timeoutSeconds`);
 * when a notice is held by another sender, the wait ends once that claim would be stale.
 */
export async function notifyStep(
  deps: Deps,
  dossierId: string,
  noticeIds: readonly string[],
  plannedSeconds: number | undefined,
): Promise<{ sent: number; settled: number; timeoutSeconds: number }> {
  const { sent, settled, heldElsewhere } = await notify(deps, dossierId, noticeIds);
  // An execution started on the definition before Notify gave the wait (no planned value) ignores it.
  const planned = plannedSeconds ?? deps.policy.defaults.maxCheckpointSeconds;
  const takeOver = Math.ceil(TAKE_OVER_AFTER_MS / 1000);
  return { sent, settled, timeoutSeconds: heldElsewhere ? Math.min(planned, takeOver) : planned };
}
