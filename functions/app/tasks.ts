import { controlSheet, foldDossier, type DossierState } from '../core/dossier.ts';
import { dayOf, formatInstant, isoDateOf, startOfDay, MINUTE_MS, type Instant } from '../core/instant.ts';
import { composeNotice, type DigestLine, type NoticeContext } from '../core/messages.ts';
import type { EncodedSms } from '../core/sms.ts';
import { maskPhone, normaliseMobile } from '../core/phone.ts';
import {
  checkpointSeconds,
  evaluatePolicy,
  newAppointment,
  policyFor,
  type NoticeKind,
  type PlannedNotice,
  type UnitRef,
} from '../core/policy.ts';
import type { NoticeRecord } from '../adapters/store.ts';
import type { DossierEvent } from '../schemas/events.ts';
import type { PolicySettings } from '../schemas/policy.ts';
import type { Deps } from './deps.ts';
import { cachedUnit, loadDossier, unitChain } from './dossiers.ts';
import { ingestEvent } from './intake.ts';

/**
 * The work of the dossier-path workflow's Task states, and of the daily digest. Each reads the store
 * (the source of truth) and returns ids and numbers only: nothing personal enters execution history.
 */

/** Plan: the stages to run, in order. */
export async function plan(deps: Deps, dossierId: string): Promise<{ stages: number[] }> {
  const { state } = await loadDossier(deps, dossierId);
  return { stages: [...new Set(state.steps.map((s) => s.stage))] };
}

/** Start a stage: its open steps, each with the seconds until its first checkpoint. */
export async function startStage(deps: Deps, dossierId: string, stage: number): Promise<{ steps: { stepId: string; timeoutSeconds: number }[] }> {
  const dossier = await loadDossier(deps, dossierId);
  const { state } = dossier;
  const now = deps.now();
  const settings = policyFor(deps.policy, state.procedureCode);
  const open = state.finishedAt === null ? state.steps.filter((s) => s.stage === stage && s.handedOverAt !== null && s.completedAt === null) : [];
  const steps = [];
  for (const s of open) {
    const { nextAt } = await decide(deps, dossier, s.stepId, now, settings);
    steps.push({ stepId: s.stepId, timeoutSeconds: checkpointSeconds(nextAt, now, settings) });
  }
  return { steps };
}

/**
 * The policy's view of a dossier at `now`: the events known for at least the decision delay, so that a
 * decision does not depend on whether a late delivery came just before or just after a checkpoint.
 * Returns the notices due and the next instant (in real time) worth a checkpoint.
 */
async function decide(
  deps: Deps,
  { state: current, events }: { state: DossierState; events: DossierEvent[] },
  stepId: string | null,
  now: Instant,
  settings: PolicySettings,
): Promise<{ due: PlannedNotice[]; nextAt: Instant | null; delay: number }> {
  const delay = settings.decisionDelaySeconds * 1000;
  const asOf = now - delay;
  const settled = events.some((e) => e.at > asOf) ? foldDossier(deps.calendar, events.filter((e) => e.at <= asOf)) : current;
  const units = await policyUnits(deps, current);
  let due: PlannedNotice[] = [];
  let nextAt: Instant | null = null;
  const earliest = (t: Instant | null) => {
    if (t !== null) nextAt = nextAt === null ? t + delay : Math.min(nextAt, t + delay);
  };
  if (settled) {
    const evaluation = evaluatePolicy(deps.calendar, settled, units, asOf, stepId, settings);
    due = evaluation.due;
    earliest(evaluation.nextAt);
  }
  // The latest events may move the next instant earlier (a resume, a completion opening a stage).
  earliest(evaluatePolicy(deps.calendar, current, units, now, stepId, settings).nextAt);
  return { due, nextAt, delay };
}

/**
 * A step's wait begins: register its task token, only while the step is open. When the completion is
 * already in the store the registration fails and the wait is answered here (the callback race).
 */
export async function registerWait(deps: Deps, dossierId: string, stepId: string, token: string): Promise<{ registered: boolean }> {
  const registered = await deps.store.registerToken(dossierId, stepId, token);
  if (!registered) await deps.callbacks.succeed(token, { completed: true });
  return { registered };
}

/**
 * A checkpoint: the policy at now for this step and its dossier. Notices due are written once; those
 * whose audience window is open are handed to Notify, the others wake a later checkpoint.
 */
export async function checkpoint(
  deps: Deps,
  dossierId: string,
  stepId: string,
): Promise<{ completed: boolean; notices: string[]; timeoutSeconds: number }> {
  const dossier = await loadDossier(deps, dossierId);
  const { state } = dossier;
  const now = deps.now();
  const settings = policyFor(deps.policy, state.procedureCode);
  const step = state.steps.find((s) => s.stepId === stepId);
  if (!step || step.completedAt !== null || state.finishedAt !== null) return { completed: true, notices: [], timeoutSeconds: 1 };
  const decision = await decide(deps, dossier, stepId, now, settings);
  const existing = new Map((await deps.store.dossierNotices(dossierId)).map((n) => [n.noticeId, n]));
  const ready: string[] = [];
  let nextAt = decision.nextAt;
  for (const n of decision.due) {
    let record = existing.get(n.noticeId);
    if (!record) {
      record = noticeRecord(n, formatInstant(now));
      if (!(await deps.store.putNotice(record))) record = (await deps.store.getNotice(dossierId, n.noticeId)) ?? record;
    }
    existing.set(n.noticeId, record);
  }
  // Every notice of the dossier still waiting: sent when its window opens (deferred, never dropped).
  for (const record of existing.values()) {
    if (record.status !== 'pending') continue;
    const sendAt = Date.parse(record.sendAfter) + decision.delay;
    if (sendAt <= now) ready.push(record.noticeId);
    else nextAt = nextAt === null ? sendAt : Math.min(nextAt, sendAt);
  }
  deps.logger.info('checkpoint', { dossierId, stepId, notices: ready.length });
  return { completed: false, notices: ready, timeoutSeconds: checkpointSeconds(nextAt, now, settings) };
}

/**
 * Sends pending notices whose window is open, each once (only a pending notice is settled). A sent
 * citizen apology is the dossier's one reschedule: it is recorded as an apology.issued event, through
 * the same intake as an officer's.
 */
export async function notify(deps: Deps, dossierId: string, noticeIds: readonly string[]): Promise<{ sent: number }> {
  let sent = 0;
  const { state, events } = await loadDossier(deps, dossierId);
  const now = deps.now();
  const settings = policyFor(deps.policy, state.procedureCode);
  const sheet = controlSheet(deps.calendar, state, now);
  const received = events.find((e) => e.type === 'dossier.received');
  const applicantPhone = received?.type === 'dossier.received' ? received.applicant.phone : null;
  for (const id of noticeIds) {
    const notice = await deps.store.getNotice(dossierId, id);
    if (!notice || notice.status !== 'pending' || Date.parse(notice.sendAfter) + settings.decisionDelaySeconds * 1000 > now) continue;
    const at = formatInstant(now);
    if (state.finishedAt !== null || (notice.kind === 'citizen.apology' && state.apology !== null)) {
      await deps.store.settleNotice(dossierId, id, { status: 'cancelled', at, reason: state.finishedAt !== null ? `dossier ${state.status}` : 'an apology was already made' });
      continue;
    }
    const unit = await cachedUnit(deps, notice.unitId);
    const subject = notice.subjectUnitId === notice.unitId ? unit : await cachedUnit(deps, notice.subjectUnitId);
    const context: NoticeContext = {
      dossierId,
      procedureName: state.procedureName,
      unitName: unit?.name ?? notice.unitId,
      subjectUnitName: subject?.name ?? notice.subjectUnitId,
      dueAt: notice.kind === 'step.warning' ? (sheet.steps.find((s) => s.stepId === notice.stepId)?.dueAt ?? null) : sheet.statutoryDueAt,
      rung: notice.rung,
      stepId: notice.stepId,
    };
    let newDueAt: Instant | null = null;
    if (notice.kind === 'citizen.apology') {
      newDueAt = newAppointment(deps.calendar, state, now);
      context.reason = `chậm xử lý tại ${context.subjectUnitName}`;
      context.newDueAt = newDueAt;
    }
    const message = composeNotice(notice.kind as NoticeKind, context, settings);
    const phoneText = notice.audience === 'citizen' ? applicantPhone : unit ? unit.head.phone : null;
    const result = await sendAndSettle(deps, notice, phoneText, message, at);
    if (result.status !== 'sent') continue;
    sent++;
    if (notice.kind === 'citizen.apology' && newDueAt !== null) {
      // LAW.md §2: the apology states a new date, and the appointment is rescheduled once.
      await ingestEvent(deps, {
        eventId: `dunghan:${id.replaceAll('/', ':')}`,
        type: 'apology.issued',
        at,
        dossierId,
        unitId: notice.unitId,
        reason: context.reason,
        newDueAt: formatInstant(newDueAt),
      });
    }
  }
  return { sent };
}

/** The outcome, recorded when the path ends; notices still waiting for their window are cancelled. */
export async function finalize(deps: Deps, dossierId: string): Promise<{ outcome: string | null }> {
  const { state } = await loadDossier(deps, dossierId);
  const now = deps.now();
  const sheet = controlSheet(deps.calendar, state, now);
  await deps.store.recordOutcome(dossierId, {
    outcome: sheet.outcome,
    minutesLate: sheet.minutesLate,
    responsibleUnitId: sheet.responsibleUnitId,
    finalizedAt: formatInstant(now),
  });
  for (const n of await deps.store.dossierNotices(dossierId)) {
    if (n.status === 'pending') await deps.store.settleNotice(dossierId, n.noticeId, { status: 'cancelled', at: formatInstant(now), reason: `dossier ${state.status}` });
  }
  return { outcome: sheet.outcome };
}

/**
 * The daily digest (seed 002's "Phụ lục"): each head with open overdue dossiers gets their list, the
 * provincial office gets the count by unit. Runs on working days; one digest per unit and day.
 */
export async function digest(deps: Deps): Promise<{ sent: number; overdue: number }> {
  const now = deps.now();
  if (!deps.calendar.isWorkingInstant(now)) return { sent: 0, overdue: 0 };
  const overdue = await deps.store.openOverdue(formatInstant(now));
  const byUnit = new Map<string, string[]>();
  for (const d of overdue) {
    const unit = d.holderUnitId ?? '-';
    byUnit.set(unit, [...(byUnit.get(unit) ?? []), d.dossierId]);
  }
  if (byUnit.size === 0) return { sent: 0, overdue: 0 };
  const day = isoDateOf(dayOf(now));
  const partition = `DIGEST-${day}`;
  const dateText = `${day.slice(8, 10)}/${day.slice(5, 7)}`;
  const settings = deps.policy.defaults;
  const lines: (DigestLine & { unitId: string })[] = [];
  let root: string | null = null;
  for (const [unitId, ids] of [...byUnit.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))) {
    const unit = await cachedUnit(deps, unitId);
    lines.push({ unitId, unitName: unit?.name ?? unitId, count: ids.length, dossierIds: ids.sort() });
    const chain = [...(await unitChain(deps, unitId)).keys()];
    root ??= chain[chain.length - 1] ?? null;
  }
  const recipients = lines.map((l) => ({ unitId: l.unitId, lines: [l], perUnit: true }));
  if (root !== null) recipients.push({ unitId: root, lines, perUnit: false });
  let sent = 0;
  for (const r of recipients) {
    const noticeId = `digest/${r.perUnit ? r.unitId : `province-${r.unitId}`}/${day}`;
    const record: NoticeRecord = {
      noticeId,
      dossierId: partition,
      kind: 'digest',
      rung: null,
      stepId: null,
      unitId: r.unitId,
      subjectUnitId: r.unitId,
      audience: 'head',
      dueAt: formatInstant(startOfDay(dayOf(now)) + settings.digestAt * MINUTE_MS),
      sendAfter: formatInstant(now),
      version: 0,
      createdAt: formatInstant(now),
      status: 'pending',
    };
    if (!(await deps.store.putNotice(record))) continue; // already sent today
    const unit = await cachedUnit(deps, r.unitId);
    const message = composeNotice(
      'digest',
      {
        dossierId: '',
        procedureName: '',
        unitName: unit?.name ?? r.unitId,
        subjectUnitName: unit?.name ?? r.unitId,
        dueAt: null,
        rung: null,
        stepId: null,
        digest: { date: dateText, total: r.lines.reduce((n, l) => n + l.count, 0), lines: r.lines, perUnit: r.perUnit },
      },
      settings,
    );
    const result = await sendAndSettle(deps, record, unit ? unit.head.phone : null, message, formatInstant(now));
    if (result.status === 'sent') sent++;
  }
  return { sent, overdue: overdue.length };
}

/**
 * Sends one pending notice to a phone number and records the result (sent, failed, or undeliverable
 * with the reason: recorded, never dropped silently; escalations to heads are separate notices).
 */
async function sendAndSettle(deps: Deps, notice: NoticeRecord, phoneText: string | null, message: EncodedSms, at: string): Promise<{ status: string }> {
  const phone = phoneText === null ? { ok: false as const, reason: `unit ${notice.unitId} is not known` } : normaliseMobile(phoneText);
  const textFields = { text: message.text, parts: message.parts, encoding: message.encoding };
  if (!phone.ok) {
    await deps.store.settleNotice(notice.dossierId, notice.noticeId, { status: 'undeliverable', at, ...textFields, reason: phone.reason });
    return { status: 'undeliverable' };
  }
  const result = await deps.notifier.deliver({
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
  await deps.store.settleNotice(notice.dossierId, notice.noticeId, {
    status: result.status,
    at,
    to: maskPhone(phone.e164),
    ...textFields,
    ...(result.reason ? { reason: result.reason } : {}),
  });
  return result;
}

async function policyUnits(deps: Deps, state: DossierState): Promise<Map<string, UnitRef>> {
  const units = new Map<string, UnitRef>();
  for (const unitId of new Set(state.steps.map((s) => s.unitId))) {
    for (const [id, u] of await unitChain(deps, unitId)) units.set(id, u);
  }
  return units;
}

function noticeRecord(n: PlannedNotice, createdAt: string): NoticeRecord {
  return {
    noticeId: n.noticeId,
    dossierId: n.dossierId,
    kind: n.kind,
    rung: n.rung,
    stepId: n.stepId,
    unitId: n.unitId,
    subjectUnitId: n.subjectUnitId,
    audience: n.audience,
    dueAt: formatInstant(n.dueAt),
    sendAfter: formatInstant(n.sendAfter),
    version: n.version,
    createdAt,
    status: 'pending',
  };
}

/**
 * The sweeper (every 15 minutes): notices written but still unsent long after their window opened
 * (their execution died between Checkpoint and Notify) are sent now, once.
 */
export async function sweep(deps: Deps, graceMinutes = 15): Promise<{ resent: number }> {
  const cutoff = deps.now() - graceMinutes * MINUTE_MS;
  let resent = 0;
  for (const n of await deps.store.noticesByStatus('pending')) {
    if (n.dossierId.startsWith('DIGEST-') || Date.parse(n.sendAfter) > cutoff) continue;
    resent += (await notify(deps, n.dossierId, [n.noticeId])).sent;
  }
  return { resent };
}
