import { randomUUID } from 'node:crypto';
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
import { nextWait, type NoticeRecord } from '../adapters/store.ts';
import type { DossierEvent } from '../schemas/events.ts';
import type { PolicySettings } from '../schemas/policy.ts';
import { CLAIM_LEASE_MS, WATCH_SLACK_MS, type Deps } from './deps.ts';
import { cachedUnit, loadDossier, unitChain } from './dossiers.ts';
import { ingestEvent } from './intake.ts';
import { isTransientError } from './task-handler.ts';

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
  // Notices of the dossier written by an earlier stage's checkpoint and still waiting for their window:
  // this stage's first checkpoint sends them when it opens.
  const written = open.length === 0 ? [] : await deps.store.dossierNotices(dossierId);
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
export async function registerWait(deps: Deps, dossierId: string, stepId: string, token: string, timeoutSeconds?: number): Promise<{ registered: boolean }> {
  // The registration is the execution's heartbeat: it will call again when this wait times out.
  const now = deps.now();
  const watch = timeoutSeconds === undefined ? undefined : { at: formatInstant(now + timeoutSeconds * 1000 + WATCH_SLACK_MS), now: formatInstant(now) };
  const registered = await deps.store.registerToken(dossierId, stepId, token, watch);
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
    if (record.status === 'sending') {
      // Claimed by a sender that may have died: taken over when its claim is stale.
      const takeOverAt = Date.parse(record.claimedAt ?? record.sendAfter) + TAKE_OVER_AFTER_MS;
      if (takeOverAt <= now) ready.push(record.noticeId);
      else nextAt = nextAt === null ? takeOverAt : Math.min(nextAt, takeOverAt);
      continue;
    }
    if (record.status !== 'pending') continue;
    const sendAt = Date.parse(record.sendAfter) + decision.delay;
    if (sendAt <= now) ready.push(record.noticeId);
    else nextAt = nextAt === null ? sendAt : Math.min(nextAt, sendAt);
  }
  deps.logger.info('checkpoint', { dossierId, stepId, notices: ready.length });
  return { completed: false, notices: ready, timeoutSeconds: checkpointSeconds(nextAt, now, settings) };
}

/**
 * Sends pending notices whose window is open, each once: a sender first claims the notice (pending ->
 * sending, conditional), so that two parallel checkpoints, a retry and the sweeper never send the same
 * notice twice; only the claimant settles it. A sent citizen apology is the dossier's one reschedule:
 * it is recorded as an apology.issued event, through the same intake as an officer's.
 * A claim older than CLAIM_LEASE_MS is taken over: its sender died between claim and settle (a send
 * lasts seconds; a Lambda function is stopped after 30). `heldElsewhere`: a notice handed over was
 * claimed by another sender (perhaps this function's own attempt that crashed after claiming, which the
 * workflow retries): the step's wait then ends when that claim would be stale, so that a dead sender
 * delays its notice by the lease, not until the sweeper.
 */
export async function notify(
  deps: Deps,
  dossierId: string,
  noticeIds: readonly string[],
): Promise<{ sent: number; settled: number; heldElsewhere: boolean }> {
  let sent = 0;
  let settled = 0;
  let heldElsewhere = false;
  const { state, events } = await loadDossier(deps, dossierId);
  const now = deps.now();
  const settings = policyFor(deps.policy, state.procedureCode);
  const sheet = controlSheet(deps.calendar, state, now);
  const received = events.find((e) => e.type === 'dossier.received');
  const applicantPhone = received?.type === 'dossier.received' ? received.applicant.phone : null;
  for (const id of noticeIds) {
    const notice = await deps.store.getNotice(dossierId, id);
    const staleBefore = formatInstant(now - CLAIM_LEASE_MS);
    if (notice?.status === 'sending' && !claimable(notice, staleBefore)) heldElsewhere = true;
    if (!notice || !claimable(notice, staleBefore) || Date.parse(notice.sendAfter) + settings.decisionDelaySeconds * 1000 > now) continue;
    const at = formatInstant(now);
    const claimId = randomUUID();
    if (!(await deps.store.claimNotice(dossierId, id, { claimId, at, staleBefore }))) {
      heldElsewhere = true;
      continue;
    }
    if (notice.status === 'sending') deps.logger.warn(STALE_CLAIM_TAKEN_OVER, { dossierId, noticeId: id });
    if (state.finishedAt !== null || (notice.kind === 'citizen.apology' && state.apology !== null)) {
      await deps.store.settleNotice(dossierId, id, { status: 'cancelled', at, reason: state.finishedAt !== null ? `dossier ${state.status}` : 'an apology was already made' }, claimId);
      settled++;
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
    const result = await sendAndSettle(deps, notice, phoneText, message, at, claimId);
    settled++;
    if (result.status !== 'sent') continue;
    sent++;
    if (notice.kind === 'citizen.apology' && newDueAt !== null) {
      // docs/law.md §2: the apology states a new date, and the appointment is rescheduled once.
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
  return { sent, settled, heldElsewhere };
}

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

/** A claim can be taken over a second after its lease: when a checkpoint looks again for a held notice. */
const TAKE_OVER_AFTER_MS = CLAIM_LEASE_MS + 1000;

export const STALE_CLAIM_TAKEN_OVER = 'notice: a stale claim taken over (its sender died)';

function claimable(notice: NoticeRecord, staleClaimBefore: string): boolean {
  if (notice.status === 'pending') return true;
  return notice.status === 'sending' && (notice.claimedAt ?? '') < staleClaimBefore;
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
 * The daily digest (the "Phụ lục" of letter 002, docs/law.md §8): each head with open overdue dossiers gets their list, the
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
    if (!(await deps.store.putNotice(record))) {
      // Already written today: sent, or left unsent by a run that died (the schedule's retry, the sweeper).
      const existing = await deps.store.getNotice(partition, noticeId);
      if (!existing || !claimable(existing, formatInstant(now - CLAIM_LEASE_MS))) continue;
    }
    const claimId = randomUUID();
    if (!(await deps.store.claimNotice(partition, noticeId, { claimId, at: formatInstant(now), staleBefore: formatInstant(now - CLAIM_LEASE_MS) }))) continue;
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
    const result = await sendAndSettle(deps, record, unit ? unit.head.phone : null, message, formatInstant(now), claimId);
    if (result.status === 'sent') sent++;
  }
  return { sent, overdue: overdue.length };
}

/**
 * Sends one claimed notice to a phone number and records the result (sent, failed, or undeliverable
 * with the reason: recorded, never dropped silently; escalations to heads are separate notices).
 * A send that throws (throttling that outlived the adapter's retries) gives the claim back, so that the
 * workflow's retry or the sweeper sends it later.
 */
async function sendAndSettle(
  deps: Deps,
  notice: NoticeRecord,
  phoneText: string | null,
  message: EncodedSms,
  at: string,
  claimId: string,
): Promise<{ status: string }> {
  const phone = phoneText === null ? { ok: false as const, reason: `unit ${notice.unitId} is not known` } : normaliseMobile(phoneText);
  const textFields = { text: message.text, parts: message.parts, encoding: message.encoding };
  if (!phone.ok) {
    await deps.store.settleNotice(notice.dossierId, notice.noticeId, { status: 'undeliverable', at, ...textFields, reason: phone.reason }, claimId);
    return { status: 'undeliverable' };
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
    await deps.store.releaseNotice(notice.dossierId, notice.noticeId, claimId).catch(() => false); // else the sweeper takes the stale claim
    throw err;
  }
  // The message is out: its record must follow, or a retry would send it again. Transient store errors
  // are retried here rather than by the workflow. Only a crash between the send and this write can send
  // twice (the sweeper resends a stale claim): at least once, never lost.
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.store.settleNotice(
        notice.dossierId,
        notice.noticeId,
        { status: result.status, at, to: maskPhone(phone.e164), ...textFields, ...(result.reason ? { reason: result.reason } : {}) },
        claimId,
      );
      return result;
    } catch (err) {
      if (attempt >= SETTLE_ATTEMPTS || !isTransientError(err)) throw err;
    }
  }
}

const SETTLE_ATTEMPTS = 8;

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

/** What one sweep found and repaired. */
export interface SweepResult {
  /** Executions that died (failed, aborted, never started) and were started again from the store. */
  restarted: number;
  /** Executions past their watch that still run (a wait answered early): watched again later. */
  alive: number;
  /** Notices left pending after their window opened, and claims whose sender died, settled now. */
  resent: number;
  reclaimed: number;
  /** Open dossiers overdue with no notice about it: the notices due were written (and sent when their window is open). */
  overdueRepaired: number;
  /** Items left for the next sweep (a store or service error). */
  errors: number;
}

/** Overdue dossiers are checked for this long after their due instant (later, the restarted executions' checkpoints see them). */
const OVERDUE_LOOKBACK_MS = 2 * 60 * MINUTE_MS;

/**
 * The sweeper (every 15 minutes; README, "When things fail"): finds what the executions missed and repairs
 * it, never duplicating (notices are written once and claimed before they are sent).
 *
 * Dead executions: each registration of a wait records in the dossier's META when the execution will call
 * again (watchAt, index byWatch); finalize removes the watch. A dossier past its watch is asked about
 * (DescribeExecution on AWS, the engine locally): still running, it is watched again; otherwise the META
 * moves to the next attempt (conditional: one sweeper wins) and its tokens are cleared, then a new
 * execution `<id>+r<n>` (executionName: a closed execution's name is never reused) starts with the same
 * ids-only input and re-plans from the store, as the store is the source of truth. A start that fails
 * leaves the new attempt "missing", and the next sweep tries again.
 */
export async function sweep(deps: Deps, graceMinutes = 15): Promise<SweepResult> {
  const now = deps.now();
  const cutoff = formatInstant(now - graceMinutes * MINUTE_MS);
  const r: SweepResult = { restarted: 0, alive: 0, resent: 0, reclaimed: 0, overdueRepaired: 0, errors: 0 };
  const each = async <T>(items: T[], repair: (item: T) => Promise<void>) => {
    for (const item of items) {
      try {
        await repair(item);
      } catch (err) {
        r.errors++;
        deps.logger.warn('sweep: left for the next run', { error: (err as Error).name });
      }
    }
  };

  // An open dossier overdue with no notice about its due: the notices due are written and sent.
  const repairOverdue = async (meta: { dossierId: string; dueAt: string | null; open: boolean }, before = cutoff) => {
    if (!meta.open || meta.dueAt === null || meta.dueAt >= before) return;
    const notices = await deps.store.dossierNotices(meta.dossierId);
    if (notices.some((n) => n.dueAt >= meta.dueAt!)) return;
    if ((await repairNotices(deps, meta.dossierId, notices)) > 0) r.overdueRepaired++;
  };
  // Overdue dossiers are looked for once an hour (the look-back spans two runs); the rest every run.
  const overdueRun = (now % (60 * MINUTE_MS)) < graceMinutes * MINUTE_MS;
  const [watched, unsettled, overdue] = await Promise.all([
    deps.store.watchedBefore(formatInstant(now)),
    deps.store.noticesByStatus('pending', cutoff),
    overdueRun ? deps.store.openOverdueSince(formatInstant(now - graceMinutes * MINUTE_MS - OVERDUE_LOOKBACK_MS), cutoff) : Promise.resolve([]),
  ]);
  await each(watched, async (meta) => {
    const status = await deps.executions.status(meta.dossierId, meta.attempt);
    if (status === 'running') {
      // The wait it announced was answered early: watched until its next open wait ends (or soon again).
      await deps.store.extendWatch(meta.dossierId, meta.attempt, nextWait(meta, formatInstant(now)) ?? formatInstant(now + WATCH_SLACK_MS));
      r.alive++;
      return;
    }
    const attempt = meta.attempt + 1;
    if (!(await deps.store.watchExecution(meta.dossierId, { attempt, fromAttempt: meta.attempt, watchAt: formatInstant(now + WATCH_SLACK_MS) }))) return;
    deps.logger.info('sweep: execution restarted', { dossierId: meta.dossierId, attempt, was: status });
    await deps.executions.start(meta.dossierId, attempt);
    r.restarted++;
    // Its overdue notices are not left to the new execution's first checkpoint (no live execution to
    // race: overdue from the due instant on).
    await repairOverdue(meta, formatInstant(now));
  });

  // Today's digest left unsent by a run that died is sent by running it again (each unit's once).
  const today = `DIGEST-${isoDateOf(dayOf(now))}`;
  let staleDigest = false;
  await each(unsettled, async (n) => {
    // Pending since its window opened, or claimed by a sender that never settled it.
    const claimed = n.status === 'sending';
    if (claimed && (n.claimedAt ?? '') >= formatInstant(now - CLAIM_LEASE_MS)) return;
    if (n.dossierId.startsWith('DIGEST-')) return void (staleDigest ||= n.dossierId === today);
    const { settled } = await notify(deps, n.dossierId, [n.noticeId]);
    if (claimed) r.reclaimed += settled;
    else r.resent += settled;
  });
  if (staleDigest) await each([0], async () => void (await digest(deps)));

  await each(overdue, (meta) => repairOverdue(meta));
  if (r.restarted + r.resent + r.reclaimed + r.overdueRepaired + r.errors > 0) deps.logger.info('sweep', { ...r });
  return r;
}

/** The notices the policy makes due now for every step of a dossier, written if missing and sent when their window is open. */
async function repairNotices(deps: Deps, dossierId: string, existing: NoticeRecord[]): Promise<number> {
  const dossier = await loadDossier(deps, dossierId);
  const now = deps.now();
  const settings = policyFor(deps.policy, dossier.state.procedureCode);
  const { due, delay } = await decide(deps, dossier, null, now, settings);
  const known = new Set(existing.map((n) => n.noticeId));
  let written = 0;
  for (const n of due) {
    if (known.has(n.noticeId)) continue;
    if (await deps.store.putNotice(noticeRecord(n, formatInstant(now)))) written++;
  }
  const ready = due.filter((n) => n.sendAfter + delay <= now).map((n) => n.noticeId);
  if (ready.length > 0) await notify(deps, dossierId, ready);
  return written;
}
