import { controlSheet, type DossierState } from '../core/dossier.ts';
import { formatInstant } from '../core/instant.ts';
import { renderNotice } from '../core/messages.ts';
import { maskPhone, normaliseMobile } from '../core/phone.ts';
import { checkpointSeconds, evaluatePolicy, type PlannedNotice, type UnitRef } from '../core/policy.ts';
import type { NoticeRecord } from '../adapters/store.ts';
import type { Deps } from './deps.ts';
import { cachedUnit, loadDossier, unitChain } from './dossiers.ts';

/**
 * The work of the dossier-path workflow's Task states. Each reads the store (the source of truth)
 * and returns ids and numbers only: nothing personal enters the execution history.
 */

/** Plan: the stages to run, in order. */
export async function plan(deps: Deps, dossierId: string): Promise<{ stages: number[] }> {
  const { state } = await loadDossier(deps, dossierId);
  return { stages: state.steps.reduce<number[]>((acc, s) => (acc.includes(s.stage) ? acc : [...acc, s.stage]), []) };
}

/** Start a stage: its open steps, each with the seconds until its first checkpoint. */
export async function startStage(deps: Deps, dossierId: string, stage: number): Promise<{ steps: { stepId: string; timeoutSeconds: number }[] }> {
  const { state } = await loadDossier(deps, dossierId);
  const now = deps.now();
  const open = state.finishedAt === null ? state.steps.filter((s) => s.stage === stage && s.handedOverAt !== null && s.completedAt === null) : [];
  const units = await policyUnits(deps, state);
  return {
    steps: open.map((s) => ({
      stepId: s.stepId,
      timeoutSeconds: checkpointSeconds(evaluatePolicy(deps.calendar, state, units, now, s.stepId, deps.policy).nextAt, now, deps.policy),
    })),
  };
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

/** A checkpoint: the policy at now for this step and its dossier; notices due are written once. */
export async function checkpoint(
  deps: Deps,
  dossierId: string,
  stepId: string,
): Promise<{ completed: boolean; notices: string[]; timeoutSeconds: number }> {
  const { state } = await loadDossier(deps, dossierId);
  const now = deps.now();
  const step = state.steps.find((s) => s.stepId === stepId);
  if (!step || step.completedAt !== null || state.finishedAt !== null) return { completed: true, notices: [], timeoutSeconds: 1 };
  const units = await policyUnits(deps, state);
  const evaluation = evaluatePolicy(deps.calendar, state, units, now, stepId, deps.policy);
  const notices: string[] = [];
  for (const n of evaluation.due) {
    const created = await deps.store.putNotice(noticeRecord(n, formatInstant(now)));
    if (created || (await deps.store.getNotice(dossierId, n.noticeId))?.status === 'pending') notices.push(n.noticeId);
  }
  deps.logger.info('checkpoint', { dossierId, stepId, notices: notices.length });
  return { completed: false, notices, timeoutSeconds: checkpointSeconds(evaluation.nextAt, now, deps.policy) };
}

/** Sends pending notices (each once: only a pending notice is settled). */
export async function notify(deps: Deps, dossierId: string, noticeIds: readonly string[]): Promise<{ sent: number }> {
  let sent = 0;
  const { state } = await loadDossier(deps, dossierId);
  const sheet = controlSheet(deps.calendar, state, deps.now());
  for (const id of noticeIds) {
    const notice = await deps.store.getNotice(dossierId, id);
    if (!notice || notice.status !== 'pending') continue;
    const now = formatInstant(deps.now());
    const recipient = await cachedUnit(deps, notice.unitId);
    const subject = notice.subjectUnitId === notice.unitId ? recipient : await cachedUnit(deps, notice.subjectUnitId);
    const text = renderNotice(notice.kind as PlannedNotice['kind'], {
      dossierId,
      procedureName: state.procedureName,
      unitName: recipient?.name ?? notice.unitId,
      subjectUnitName: subject?.name ?? notice.subjectUnitId,
      dueAt: notice.kind === 'step.warning' ? sheet.steps.find((st) => st.stepId === notice.stepId)?.dueAt ?? null : sheet.statutoryDueAt,
      rung: notice.rung,
      stepId: notice.stepId,
    });
    const phone = recipient ? normaliseMobile(recipient.head.phone) : { ok: false as const, reason: `unit ${notice.unitId} is not known` };
    if (!phone.ok) {
      await deps.store.settleNotice(dossierId, id, { status: 'undeliverable', at: now, text, reason: phone.reason });
      continue;
    }
    const result = await deps.notifier.deliver({
      noticeId: id,
      dossierId,
      kind: notice.kind,
      audience: notice.audience,
      unitId: notice.unitId,
      rung: notice.rung,
      phone: phone.e164,
      text,
      at: now,
    });
    await deps.store.settleNotice(dossierId, id, {
      status: result.status,
      at: now,
      to: maskPhone(phone.e164),
      text,
      ...(result.reason ? { reason: result.reason } : {}),
    });
    if (result.status === 'sent') sent++;
  }
  return { sent };
}

/** The outcome, recorded when the path ends: early / on time / late, by how much, who caused it. */
export async function finalize(deps: Deps, dossierId: string): Promise<{ outcome: string | null }> {
  const { state } = await loadDossier(deps, dossierId);
  const sheet = controlSheet(deps.calendar, state, deps.now());
  await deps.store.recordOutcome(dossierId, {
    outcome: sheet.outcome,
    minutesLate: sheet.minutesLate,
    responsibleUnitId: sheet.responsibleUnitId,
    finalizedAt: formatInstant(deps.now()),
  });
  return { outcome: sheet.outcome };
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
    audience: n.kind === 'step.warning' ? 'unit' : 'head',
    dueAt: formatInstant(n.dueAt),
    createdAt,
    status: 'pending',
  };
}
