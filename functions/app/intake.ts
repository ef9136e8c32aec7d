import { controlSheet } from '../core/control-sheet.ts';
import { beforeReceipt, type DossierState, DUNGHAN_APOLOGY_PREFIX, foldDossier } from '../core/dossier.ts';
import { formatInstant, type Instant, parseInstant } from '../core/instant.ts';
import { factsOf } from '../core/report.ts';
import { type IntakeEvent, parseEvent } from '../schemas/events.ts';
import type { DossierFacts } from '../schemas/records.ts';
import { closedSteps, dossierEvents } from './dossiers.ts';
import { EventConflictError, InvalidInputError, RECHECK_ERROR, UnprocessableEventError } from './errors.ts';
import { beyondCalendar, resolvePath, serialise, unknownUnit } from './intake-checks.ts';
import { supplementAlarms } from './notices/supplement.ts';
import type { Deps, SavedSnapshot } from './ports.ts';
import { restartExecution } from './resume.ts';
import { WATCH_SLACK_MS } from './timing.ts';

/**
 * Event intake: validate, store once, fold, save the snapshot, then move the workflow (start the
 * execution, answer the waits of steps the event closed, or make open steps re-check their clocks).
 */

/**
 * What became of an event: applied, kept with the reason it cannot apply yet, or a duplicate of one
 * already stored. Refusals are thrown: InvalidInputError, EventConflictError, UnprocessableEventError.
 */
export type IntakeOutcome =
  | { status: 'accepted'; eventId: string }
  | { status: 'kept'; eventId: string; reason: string }
  | { status: 'duplicate'; eventId: string };

/** `contract`: 'intake' for POST /events; 'stored' for the events the feed adapter derives (see parseEvent). */
export async function ingestEvent(
  deps: Deps,
  input: unknown,
  contract: 'intake' | 'stored' = 'intake',
): Promise<IntakeOutcome> {
  const parsed = parseEvent(input, contract);
  if (!parsed.ok) throw new InvalidInputError(parsed.field, parsed.reason);
  const event = parsed.event;
  if (event.type === 'unit.upserted') return ingestUnit(deps, event);

  let stored: IntakeEvent = event;
  if (event.type === 'dossier.received' && event.path === undefined) {
    const resolved = await resolvePath(deps, event);
    if ('reason' in resolved) throw new UnprocessableEventError(event.eventId, resolved.field, resolved.reason);
    stored = { ...event, path: resolved.path };
  }
  const beyond = beyondCalendar(deps.calendar, stored);
  if (beyond) throw new UnprocessableEventError(event.eventId, beyond.field, beyond.reason);
  const unknown = await unknownUnit(deps, stored, event.type === 'dossier.received' && event.path === undefined);
  if (unknown) throw new UnprocessableEventError(event.eventId, unknown.field, unknown.reason);
  if (event.type !== 'dossier.received') {
    // Nothing happens to a dossier before it is received (docs/law.md §3: its clock starts there).
    const receivedAt = (await deps.store.dossiers.get(event.dossierId))?.receivedAt;
    if (receivedAt !== undefined && event.at < parseInstant(receivedAt))
      throw new UnprocessableEventError(event.eventId, 'at', beforeReceipt(parseInstant(receivedAt)));
  }
  const put = await deps.store.events.put(
    { dossierId: event.dossierId },
    { eventId: event.eventId, type: event.type, at: event.at, body: JSON.stringify(serialise(stored)) },
  );
  if (put === 'conflict') throw new EventConflictError(event.eventId);
  // A duplicate goes on all the same: the delivery that stored it may have died before the snapshot or
  // the workflow moved (the API asks to send the event again after a 5xx). Every step below is idempotent.
  const duplicate = put === 'duplicate';

  const events = await dossierEvents(deps, event.dossierId);
  const state = foldDossier(deps.calendar, events);
  if (!state) {
    if (duplicate) return { status: 'duplicate', eventId: event.eventId };
    const reason = `dossier ${event.dossierId} has not been received yet; the event is kept and applied when it is`;
    return { status: 'kept', eventId: event.eventId, reason };
  }
  const sheet = controlSheet(deps.calendar, state, deps.now());
  const saved = await deps.store.dossiers.save({
    dossierId: state.dossierId,
    version: events.length,
    status: state.status,
    open: state.finishedAt === null,
    dueAt: sheet.dueAt === null ? null : formatInstant(sheet.dueAt),
    holderUnitId: sheet.holderUnitId,
    closedSteps: closedSteps(state),
    facts: storedFacts(state, sheet),
    receivedAt: formatInstant(state.receivedAt),
  });
  // A repeated supplement request owes its alarms at once: the open steps' checkpoints send them.
  const alarms =
    event.type === 'supplement.requested'
      ? await supplementAlarms(deps, state, events, (at) => controlSheet(deps.calendar, state, at).holderUnitId)
      : [];
  await moveWorkflow(deps, event, state, saved, alarms.length > 0);
  if (duplicate) return { status: 'duplicate', eventId: event.eventId };

  const unapplied = state.unapplied.find((u) => u.eventId === event.eventId);
  deps.logger.info('event ingested', {
    eventId: event.eventId,
    type: event.type,
    dossierId: event.dossierId,
    applied: !unapplied,
  });
  if (unapplied) return { status: 'kept', eventId: event.eventId, reason: unapplied.reason };
  return { status: 'accepted', eventId: event.eventId };
}

/** What the reports and lists read of the dossier without folding it (functions/core/report.ts). */
function storedFacts(state: DossierState, sheet: ReturnType<typeof controlSheet>): DossierFacts {
  const f = factsOf(state, sheet);
  const iso = (t: Instant | null) => (t === null ? null : formatInstant(t));
  return {
    procedureCode: state.procedureCode,
    procedureName: state.procedureName,
    receivedBy: f.receivedBy,
    receivedAt: formatInstant(f.receivedAt),
    statutoryDueAt: iso(f.statutoryDueAt),
    finishedAt: iso(f.finishedAt),
    supplementRequests: f.supplementRequests,
    responsibleUnitId: f.responsibleUnitId,
    // An officer's reschedule (from iGate or the dashboard), not the one dunghan records with its own SMS apology.
    apologyUnitId:
      state.apology && !state.apology.eventId.startsWith(DUNGHAN_APOLOGY_PREFIX) ? state.apology.unitId : null,
  };
}

async function moveWorkflow(
  deps: Deps,
  event: IntakeEvent,
  state: DossierState,
  saved: SavedSnapshot,
  recheck = false,
): Promise<void> {
  const { tokens } = saved;
  if (event.type === 'dossier.received') {
    // Watched from now (the sweeper restarts an execution that never calls); the current attempt, so
    // that a redelivery after a restart does not start a second execution.
    await deps.store.dossiers.watchExecution(state.dossierId, {
      attempt: 1,
      fromAttempt: null,
      watchAt: formatInstant(deps.now() + WATCH_SLACK_MS),
    });
    await deps.executions.start(state.dossierId, saved.attempt);
    return;
  }
  if (saved.parked) {
    // Its execution ended at a long wait (parked): the next attempt starts now and re-plans from the store.
    await restartExecution(deps, { dossierId: state.dossierId, attempt: saved.attempt }, deps.now(), {
      countFailure: false,
      was: 'parked',
    });
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
    } else if (event.type === 'supplement.received' || event.type === 'apology.issued' || recheck) {
      // The clock moved (or an alarm is owed): open steps re-plan their next checkpoint now.
      calls.push(deps.callbacks.fail(token, RECHECK_ERROR, 'the dossier clock changed'));
    }
  }
  await Promise.all(calls);
  // A live execution answers these within moments (a checkpoint, the next stage, Finalize): watched from
  // now, a dead one is restarted by the next sweep rather than at its wait's end.
  if (calls.length > 0)
    await deps.store.dossiers.expectCallBy(state.dossierId, formatInstant(deps.now() + WATCH_SLACK_MS));
}

async function ingestUnit(deps: Deps, event: Extract<IntakeEvent, { type: 'unit.upserted' }>): Promise<IntakeOutcome> {
  const body = JSON.stringify(serialise(event));
  const put = await deps.store.events.put(
    { unitId: event.unitId },
    { eventId: event.eventId, type: event.type, at: event.at, body },
  );
  if (put === 'conflict') throw new EventConflictError(event.eventId);
  // A duplicate writes the unit all the same (conditional on its instant): the first delivery may have died before.
  const written = await deps.store.units.upsert({
    unitId: event.unitId,
    name: event.name,
    parentUnitId: event.parentUnitId ?? null,
    head: event.head,
    updatedAt: event.at,
  });
  deps.unitCache.delete(event.unitId);
  deps.unitList = null;
  if (put === 'duplicate') return { status: 'duplicate', eventId: event.eventId };
  if (!written)
    return {
      status: 'kept',
      eventId: event.eventId,
      reason: `a later version of unit ${event.unitId} is already recorded`,
    };
  return { status: 'accepted', eventId: event.eventId };
}
