import { CalendarRangeError, type WorkingCalendar } from '../core/calendar.ts';
import { computeDueAt, type Limit } from '../core/clock.ts';
import { controlSheet, foldDossier, type ControlSheet, type DossierState } from '../core/dossier.ts';
import { formatInstant, type Instant } from '../core/instant.ts';
import { parseEvent, type DossierEvent, type DossierReceived, type IntakeEvent, type StepSpec } from '../schemas/events.ts';
import { RECHECK_ERROR } from '../adapters/workflow.ts';
import { WATCH_SLACK_MS, type Deps } from './deps.ts';
import { cachedUnit, closedSteps, dossierEvents, DossierNotFoundError } from './dossiers.ts';

/**
 * Event intake: validate, store once, fold, save the snapshot, then move the workflow (start the
 * execution, answer the waits of steps the event closed, or make open steps re-check their clocks).
 */

export type IntakeResult =
  | { status: 400; body: { error: 'invalid_event'; field: string; reason: string } }
  | { status: 409; body: { error: 'conflict'; eventId: string; reason: string } }
  | { status: 422; body: { error: 'unprocessable'; eventId: string; field: string; reason: string } }
  | { status: 200; body: { status: 'duplicate'; eventId: string } }
  | { status: 202; body: { status: 'accepted'; eventId: string } | { status: 'kept'; eventId: string; reason: string } };

export async function ingestEvent(deps: Deps, input: unknown): Promise<IntakeResult> {
  const parsed = parseEvent(input);
  if (!parsed.ok) return { status: 400, body: { error: 'invalid_event', field: parsed.field, reason: parsed.reason } };
  const event = parsed.event;
  if (event.type === 'unit.upserted') return ingestUnit(deps, event);

  let stored: IntakeEvent = event;
  if (event.type === 'dossier.received' && event.path === undefined) {
    const resolved = await resolvePath(deps, event);
    if ('reason' in resolved) {
      return { status: 422, body: { error: 'unprocessable', eventId: event.eventId, field: resolved.field, reason: resolved.reason } };
    }
    stored = { ...event, path: resolved.path };
  }
  const beyond = beyondCalendar(deps.calendar, stored);
  if (beyond) return { status: 422, body: { error: 'unprocessable', eventId: event.eventId, field: beyond.field, reason: beyond.reason } };
  const put = await deps.store.putEvent(
    { dossierId: event.dossierId },
    { eventId: event.eventId, type: event.type, at: event.at, body: JSON.stringify(serialise(stored)) },
  );
  if (put === 'conflict') {
    return { status: 409, body: { error: 'conflict', eventId: event.eventId, reason: 'this eventId was already used for a different event' } };
  }
  // A duplicate goes on all the same: the delivery that stored it may have died before the snapshot or
  // the workflow moved (the API asks to send the event again after a 5xx). Every step below is idempotent.
  const duplicate = put === 'duplicate';

  const events = await dossierEvents(deps, event.dossierId);
  const state = foldDossier(deps.calendar, events);
  if (!state) {
    if (duplicate) return { status: 200, body: { status: 'duplicate', eventId: event.eventId } };
    return { status: 202, body: { status: 'kept', eventId: event.eventId, reason: `dossier ${event.dossierId} has not been received yet; the event is kept and applied when it is` } };
  }
  const sheet = controlSheet(deps.calendar, state, deps.now());
  const saved = await deps.store.saveDossier({
    dossierId: state.dossierId,
    version: events.length,
    status: state.status,
    open: state.finishedAt === null,
    dueAt: sheet.dueAt === null ? null : formatInstant(sheet.dueAt),
    holderUnitId: sheet.holderUnitId,
    closedSteps: closedSteps(state),
  });
  await moveWorkflow(deps, event, state, saved);
  if (duplicate) return { status: 200, body: { status: 'duplicate', eventId: event.eventId } };

  const unapplied = state.unapplied.find((u) => u.eventId === event.eventId);
  deps.logger.info('event ingested', { eventId: event.eventId, type: event.type, dossierId: event.dossierId, applied: !unapplied });
  if (unapplied) return { status: 202, body: { status: 'kept', eventId: event.eventId, reason: unapplied.reason } };
  return { status: 202, body: { status: 'accepted', eventId: event.eventId } };
}

async function moveWorkflow(deps: Deps, event: IntakeEvent, state: DossierState, saved: { tokens: Record<string, string>; attempt: number }): Promise<void> {
  const { tokens } = saved;
  if (event.type === 'dossier.received') {
    // Watched from now (the sweeper restarts an execution that never calls); the current attempt, so
    // that a redelivery after a restart does not start a second execution.
    await deps.store.watchExecution(state.dossierId, { attempt: 1, fromAttempt: null, watchAt: formatInstant(deps.now() + WATCH_SLACK_MS) });
    await deps.executions.start(state.dossierId, saved.attempt);
    return;
  }
  const closed = new Set(closedSteps(state));
  const calls: Promise<unknown>[] = [];
  for (const [stepId, token] of Object.entries(tokens)) {
    if (closed.has(stepId)) {
      // The completion is in the store already; a wait that timed out meanwhile answers 'gone' and its
      // next checkpoint sees the completion.
      if (event.type !== 'step.completed' || event.stepId === stepId || state.finishedAt !== null) {
        calls.push(deps.callbacks.succeed(token, { completed: true }));
      }
    } else if (event.type === 'supplement.received' || event.type === 'apology.issued') {
      // The clock moved: open steps re-plan their next checkpoint now.
      calls.push(deps.callbacks.fail(token, RECHECK_ERROR, 'the dossier clock changed'));
    }
  }
  await Promise.all(calls);
  // A live execution answers these within moments (a checkpoint, the next stage, Finalize): watched from
  // now, a dead one is restarted by the next sweep rather than at its wait's end.
  if (calls.length > 0) await deps.store.expectCallBy(state.dossierId, formatInstant(deps.now() + WATCH_SLACK_MS));
}

async function ingestUnit(deps: Deps, event: Extract<IntakeEvent, { type: 'unit.upserted' }>): Promise<IntakeResult> {
  const put = await deps.store.putEvent({ unitId: event.unitId }, { eventId: event.eventId, type: event.type, at: event.at, body: JSON.stringify(serialise(event)) });
  if (put === 'conflict') return { status: 409, body: { error: 'conflict', eventId: event.eventId, reason: 'this eventId was already used for a different event' } };
  // A duplicate writes the unit all the same (conditional on its instant): the first delivery may have died before.
  const written = await deps.store.upsertUnit({
    unitId: event.unitId,
    name: event.name,
    parentUnitId: event.parentUnitId ?? null,
    head: event.head,
    updatedAt: event.at,
  });
  deps.unitCache.delete(event.unitId);
  if (put === 'duplicate') return { status: 200, body: { status: 'duplicate', eventId: event.eventId } };
  if (!written) return { status: 202, body: { status: 'kept', eventId: event.eventId, reason: `a later version of unit ${event.unitId} is already recorded` } };
  return { status: 202, body: { status: 'accepted', eventId: event.eventId } };
}

/** The catalogue path of a procedure for the receiving unit ("receiving", "parent" or a fixed unit). */
async function resolvePath(deps: Deps, event: DossierReceived): Promise<{ path: StepSpec[][] } | { field: string; reason: string }> {
  const procedure = deps.catalogue.procedures.find((p) => p.procedureCode === event.procedureCode);
  if (!procedure) return { field: 'path', reason: `procedure ${event.procedureCode} is not in the catalogue; send its path` };
  const receiving = await cachedUnit(deps, event.receivingUnitId!);
  if (!receiving) return { field: 'receivingUnitId', reason: `unit ${event.receivingUnitId} is not known; send unit.upserted first` };
  const unitOf = (role: string) => (role === 'receiving' ? receiving.unitId : role === 'parent' ? receiving.parentUnitId : role);
  const path: StepSpec[][] = [];
  for (const stage of procedure.path) {
    const steps: StepSpec[] = [];
    for (const t of stage) {
      const unitId = unitOf(t.unit);
      if (!unitId) return { field: 'receivingUnitId', reason: `unit ${receiving.unitId} has no parent for step ${t.stepId}` };
      steps.push({ stepId: t.stepId, unitId, budget: t.budget });
    }
    path.push(steps);
  }
  return { path };
}

/**
 * What the working calendar cannot count: an instant outside its years, a limit or a budget that ends
 * beyond its data. Refused before the event is stored, since every later fold of the dossier would fail.
 */
function beyondCalendar(calendar: WorkingCalendar, event: DossierEvent): { field: string; reason: string } | null {
  const data = `the working calendar data covers ${calendar.coverage()}`;
  if (!calendar.covers(event.at)) return { field: 'at', reason: `is outside the working calendar; ${data}` };
  if (event.type === 'apology.issued' && !calendar.covers(event.newDueAt)) return { field: 'newDueAt', reason: `is outside the working calendar; ${data}` };
  if (event.type !== 'dossier.received') return null;
  const endsInData = (limit: Limit) => {
    try {
      computeDueAt(calendar, event.at, limit);
      return true;
    } catch (err) {
      if (err instanceof CalendarRangeError) return false;
      throw err;
    }
  };
  const beyond = `counted from at, ends beyond the working calendar; ${data}`;
  if (!endsInData(event.limit)) return { field: 'limit', reason: beyond };
  for (const [i, stage] of (event.path ?? []).entries()) {
    for (const [j, step] of stage.entries()) {
      if (!endsInData(step.budget)) return { field: `path.${i}.${j}.budget`, reason: beyond };
    }
  }
  return null;
}

/** Back to the contract's JSON form (instants as ISO strings, limits as text) for storage. */
function serialise(event: IntakeEvent): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(event, (k, v: unknown) => {
      if ((k === 'at' || k === 'newDueAt') && typeof v === 'number') return formatInstant(v as Instant);
      if ((k === 'limit' || k === 'budget') && typeof v === 'object' && v !== null) {
        const l = v as { amount: number; unit: string };
        return `${l.amount} working ${l.unit}`;
      }
      return v;
    }),
  ) as Record<string, unknown>;
}

/** The control sheet (Form 06) as the API and the command line show it: instants at +07:00. */
export function presentSheet(sheet: ControlSheet) {
  const iso = (t: Instant | null) => (t === null ? null : formatInstant(t));
  return {
    dossierId: sheet.dossierId,
    procedureCode: sheet.procedureCode,
    status: sheet.status,
    receivedAt: iso(sheet.receivedAt),
    dueAt: iso(sheet.dueAt),
    statutoryDueAt: iso(sheet.statutoryDueAt),
    finishedAt: iso(sheet.finishedAt),
    outcome: sheet.outcome,
    minutesLate: sheet.minutesLate,
    responsibleUnitId: sheet.responsibleUnitId,
    holderUnitId: sheet.holderUnitId,
    steps: sheet.steps.map((s) => ({
      stepId: s.stepId,
      unitId: s.unitId,
      stage: s.stage,
      handedOverAt: iso(s.handedOverAt),
      dueAt: iso(s.dueAt),
      completedAt: iso(s.completedAt),
      result: s.result,
    })),
  };
}

/** GET /dossiers/{id}: the control sheet now. */
export async function getDossierSheet(deps: Deps, dossierId: string) {
  const events = await dossierEvents(deps, dossierId);
  const state = foldDossier(deps.calendar, events);
  if (!state) throw new DossierNotFoundError(`dossier ${dossierId} is not known`);
  return presentSheet(controlSheet(deps.calendar, state, deps.now()));
}
