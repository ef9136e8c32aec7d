import type { PolicyFile, PolicySettings } from '../schemas/policy.ts';
import type { WorkingCalendar } from './calendar.ts';
import { deriveClock } from './clock.ts';
import { controlSheet } from './control-sheet.ts';
import type { DossierState } from './dossier.ts';
import { DAY_MS, dayOf, type Instant, MINUTE_MS, startOfDay } from './instant.ts';

const HOUR_MS = 60 * MINUTE_MS;

import { AUDIENCE, type Audience, type NoticeKind } from './notice-kinds.ts';

/**
 * The escalation policy: which notices a dossier owes at an instant, when to look again, and when a
 * notice may be sent (citizens in daytime, heads in working time: deferred, never dropped).
 * Every notice has a deterministic id (dossier, kind, subject or rung, reschedule version) so that it
 * is written once (conditional put) whatever retries, replays or duplicate checkpoints happen.
 */

export {
  AUDIENCE,
  AUDIENCES,
  type Audience,
  CHANNELS,
  type Channel,
  NOTICE_KINDS,
  type NoticeKind,
} from './notice-kinds.ts';

/** The settings for one procedure: the province's defaults with the procedure's overrides (channels per kind). */
export function policyFor(policy: PolicyFile, procedureCode: string): PolicySettings {
  const own = policy.procedures[procedureCode];
  if (!own) return policy.defaults;
  return { ...policy.defaults, ...own, channels: { ...policy.defaults.channels, ...(own.channels ?? {}) } };
}

export interface UnitRef {
  unitId: string;
  parentUnitId: string | null;
}

export interface PlannedNotice {
  noticeId: string;
  kind: NoticeKind;
  rung: number | null;
  dossierId: string;
  stepId: string | null;
  /** The unit whose head receives it; for a citizen notice, the unit on whose behalf it is sent. */
  unitId: string;
  /** The unit the notice is about (at fault, or holding the step). */
  subjectUnitId: string;
  audience: Audience;
  /** When the policy makes it due. */
  dueAt: Instant;
  /** The first instant it may be sent (its audience's window). */
  sendAfter: Instant;
  /** Reschedules made before it was due (0 or 1). */
  version: number;
}

export interface Evaluation {
  /** Notices due at `now` (already written ones included: writing is idempotent). */
  due: PlannedNotice[];
  /** The next instant at which something may become due; null when nothing more will. */
  nextAt: Instant | null;
}

/** The next instant inside the citizen window [from, to) of local hours. */
export function nextCitizenInstant(t: Instant, settings: PolicySettings): Instant {
  const [from, to] = settings.citizenHours;
  const dayStart = startOfDay(dayOf(t));
  const minute = (t - dayStart) / MINUTE_MS;
  if (minute < from) return dayStart + from * MINUTE_MS;
  if (minute < to) return t;
  return dayStart + DAY_MS + from * MINUTE_MS;
}

export function sendWindow(
  calendar: WorkingCalendar,
  audience: Audience,
  dueAt: Instant,
  settings: PolicySettings,
): Instant {
  return audience === 'citizen' ? nextCitizenInstant(dueAt, settings) : calendar.nextWorkingInstant(dueAt);
}

/**
 * Evaluates the policy for a dossier at `now`, as seen by the checkpoint of one step (its own warning
 * plus the dossier-level notices), or for every step when `stepId` is null.
 */
export function evaluatePolicy(
  calendar: WorkingCalendar,
  state: DossierState,
  units: ReadonlyMap<string, UnitRef>,
  now: Instant,
  stepId: string | null,
  settings: PolicySettings,
  provincialOffice: string | null = null,
): Evaluation {
  const due: PlannedNotice[] = [];
  const future: Instant[] = [];
  // Nothing is said about a dossier once its processing is finished or it is closed.
  if (state.finishedAt !== null && state.finishedAt <= now) return { due, nextAt: null };
  const apologyAt = state.apology?.at ?? Infinity;
  const plan = (n: Omit<PlannedNotice, 'noticeId' | 'dossierId' | 'audience' | 'sendAfter' | 'version'>) => {
    if (n.dueAt > now) {
      future.push(n.dueAt);
      return;
    }
    // A notice due after the reschedule is a new one (a missed new appointment escalates again); the
    // apology notices happen once per dossier.
    const version = n.kind !== 'apology.due' && n.kind !== 'citizen.apology' && n.dueAt > apologyAt ? 1 : 0;
    const audience = AUDIENCE[n.kind];
    due.push({
      ...n,
      dossierId: state.dossierId,
      audience,
      version,
      sendAfter: sendWindow(calendar, audience, n.dueAt, settings),
      noticeId: noticeId(state.dossierId, n.kind, n.stepId ?? (n.rung === null ? 'dossier' : `r${n.rung}`), version),
    });
  };

  // step.warning: a share of the step's budget consumed (priority citizens: earlier).
  const share = state.priority ? settings.priorityWarningShare : settings.warningShare;
  for (const step of state.steps) {
    if (stepId !== null && step.stepId !== stepId) continue;
    if (step.clock === null || step.completedAt !== null) continue;
    const c = deriveClock(calendar, step.clock, now);
    // A step already past its own due is not warned: the apology and the escalation speak for it.
    if (c.consumedMinutes >= c.budgetMinutes) continue;
    const threshold = share * c.budgetMinutes;
    const warnAt =
      c.consumedMinutes >= threshold
        ? calendar.instantAtWorked(calendar.workedBefore(now) - (c.consumedMinutes - threshold) * MINUTE_MS)
        : c.paused
          ? null
          : calendar.addWorkingMinutes(now, threshold - c.consumedMinutes);
    if (warnAt !== null)
      plan({
        kind: 'step.warning',
        rung: null,
        stepId: step.stepId,
        unitId: step.unitId,
        subjectUnitId: step.unitId,
        dueAt: warnAt,
      });
  }

  const sheet = controlSheet(calendar, state, now);
  const statutoryDue = sheet.statutoryDueAt;
  if (statutoryDue === null) return { due, nextAt: future.length ? Math.min(...future) : null };
  const holder = sheet.holderUnitId ?? state.steps[0]!.unitId;
  const responsible = sheet.responsibleUnitId ?? responsibleSoFar(sheet) ?? holder;

  // docs/law.md §2: no later than one working day before the due date, the unit holding the dossier
  // apologises with a reason and a new date, when it cannot finish in time: an open step is already
  // past its own due, or the work left (the open steps' remaining budgets and the later stages' budgets)
  // does not fit before the due instant. At the due instant, lateness is certain.
  // An apology already made (by an officer, or by dunghan) is the one reschedule: nothing more to ask.
  const leadAt = calendar.openingOfWorkingDayBefore(statutoryDue, settings.apologyLeadDays);
  if (state.apology === null && now < leadAt) future.push(leadAt);
  else if (state.apology === null) {
    // Past the due instant the apology is still owed (deferred, never dropped): an execution
    // restarted after it died, or a checkpoint that ran late, sends it late rather than never.
    const openSteps = sheet.steps.filter((s) => s.handedOverAt !== null && s.completedAt === null);
    const stepLate = openSteps.some((s) => s.dueAt !== null && s.dueAt < now);
    const workLeft = remainingWorkMinutes(state, sheet);
    // A minute of tolerance: a checkpoint may run up to a second after its planned instant.
    const doesNotFit =
      calendar.workedBefore(now) + workLeft * MINUTE_MS > calendar.workedBefore(statutoryDue) + MINUTE_MS;
    if (stepLate || doesNotFit || now >= statutoryDue) {
      plan({ kind: 'apology.due', rung: null, stepId: null, unitId: holder, subjectUnitId: holder, dueAt: now });
      plan({
        kind: 'citizen.apology',
        rung: null,
        stepId: null,
        unitId: responsible,
        subjectUnitId: responsible,
        dueAt: now,
      });
    } else {
      // Lateness may become certain when an open step passes its own due, or at the due instant.
      for (const s of openSteps)
        if (s.dueAt !== null && s.dueAt >= now && s.dueAt < statutoryDue) future.push(s.dueAt + 1000);
      future.push(statutoryDue);
    }
  }

  // head.escalation: rung 1 when the dossier becomes overdue, then up the ladder. After a reschedule,
  // the rungs not yet due wait for the new appointment: missing it escalates straight to the next rung.
  const ladder = escalationLadder(responsible, units, provincialOffice);
  const days = settings.escalationDays;
  const rungAt = days.map((d) => (d === 0 ? statutoryDue : calendar.closeOfNthWorkingDayAfter(statutoryDue, d)));
  const newDue = state.apology ? sheet.dueAt : null;
  if (state.apology && newDue !== null) {
    const next = rungAt.findIndex((t, i) => i > 0 && t > state.apology!.at);
    if (next > 0) {
      for (let i = next; i < rungAt.length; i++) {
        const extra = days[i]! - days[next]!;
        rungAt[i] = extra === 0 ? newDue : calendar.closeOfNthWorkingDayAfter(newDue, extra);
      }
    }
  }
  rungAt.forEach((at, i) => {
    plan({
      kind: 'head.escalation',
      rung: i + 1,
      stepId: null,
      unitId: ladder[Math.min(i, ladder.length - 1)]!,
      subjectUnitId: responsible,
      dueAt: at,
    });
  });
  return { due, nextAt: future.length ? Math.min(...future) : null };
}

/** Working minutes still needed: the longest remaining open step, then the longest step of each later stage. */
function remainingWorkMinutes(state: DossierState, sheet: ReturnType<typeof controlSheet>): number {
  const open = sheet.steps.filter((s) => s.handedOverAt !== null && s.completedAt === null);
  let minutes = Math.max(0, ...open.map((s) => s.budgetMinutes - s.consumedMinutes));
  const current = state.currentStage ?? state.stageCount;
  for (let stage = current + 1; stage < state.stageCount; stage++) {
    minutes += Math.max(...state.steps.filter((s) => s.stage === stage).map((s) => budgetOf(s.budget)));
  }
  return minutes;
}

/** While open: the unit whose step has overrun its budget most so far, if any. */
function responsibleSoFar(sheet: ReturnType<typeof controlSheet>): string | null {
  let worst: { unitId: string; over: number } | null = null;
  for (const s of sheet.steps) {
    const over = s.consumedMinutes - s.budgetMinutes;
    if (over > 0 && (worst === null || over > worst.over)) worst = { unitId: s.unitId, over };
  }
  return worst?.unitId ?? null;
}

/**
 * The responsible unit, its parent, then the root (the provincial office). A chain that ends below the
 * provincial office (a unit without a parent, a parent never upserted) climbs to it past its top:
 * `provincialOffice` when it is known, as the last rung (docs/law.md §2: heads answer to the province).
 */
export function escalationLadder(
  unitId: string,
  units: ReadonlyMap<string, UnitRef>,
  provincialOffice: string | null = null,
): string[] {
  const chain = [unitId];
  const seen = new Set(chain);
  let cur = units.get(unitId)?.parentUnitId ?? null;
  while (cur !== null && !seen.has(cur)) {
    chain.push(cur);
    seen.add(cur);
    cur = units.get(cur)?.parentUnitId ?? null;
  }
  if (provincialOffice !== null && units.has(provincialOffice) && !seen.has(provincialOffice))
    chain.push(provincialOffice);
  // Rung 2 goes to the parent, rung 3 to the root, whatever the depth.
  return chain.length <= 2 ? chain : [chain[0]!, chain[1]!, chain[chain.length - 1]!];
}

export function noticeId(dossierId: string, kind: NoticeKind, subject: string, version: number): string {
  return `${dossierId}/${kind}/${subject}/v${version}`;
}

/** Seconds until the next checkpoint: at least 1, at most the configured cap. */
export function checkpointSeconds(nextAt: Instant | null, now: Instant, settings: PolicySettings): number {
  if (nextAt === null) return settings.maxCheckpointSeconds;
  return Math.min(settings.maxCheckpointSeconds, Math.max(1, Math.ceil((nextAt - now) / 1000)));
}

/**
 * The new appointment of a dunghan apology: the remaining budgets of the open steps (the longest in the
 * current stage) and of the later stages (the longest step of each), counted from the opening of the
 * working day after the missed due — or after the sending day, when the apology goes out late (after
 * downtime) — so that it is always a later working day than both, never a date in the past. A limit in
 * days ends at the close of that working day (docs/law.md §3); a limit in hours at the instant itself,
 * and the text then gives the time.
 */
export function newAppointment(
  calendar: WorkingCalendar,
  state: DossierState,
  now: Instant,
  limitUnit: 'days' | 'hours',
): Instant {
  const sheet = controlSheet(calendar, state, now);
  const missed = sheet.statutoryDueAt ?? now;
  const from = calendar.nextWorkingInstant(startOfDay(dayOf(Math.max(missed - 1, now)) + 1));
  const at = calendar.addWorkingMinutes(from, Math.max(1, remainingWorkMinutes(state, sheet)));
  if (limitUnit === 'days') return calendar.closeOfWorkingDay(at);
  // A time a citizen can keep: the next full hour of working time.
  const dayStart = startOfDay(dayOf(at));
  return calendar.nextWorkingInstant(dayStart + Math.ceil((at - dayStart) / HOUR_MS) * HOUR_MS);
}

/** A later stage's budget in working minutes (a working day counted as 8 hours). */
function budgetOf(limit: { amount: number; unit: 'days' | 'hours' }): number {
  return limit.unit === 'hours' ? limit.amount * 60 : limit.amount * 480;
}
