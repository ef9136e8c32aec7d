import type { DossierEvent, DossierReceived } from '../schemas/events.ts';
import { CalendarRangeError, type WorkingCalendar } from './calendar.ts';
import {
  type ClockLedger,
  ClockRuleError,
  extendClock,
  type Limit,
  openClock,
  pauseClock,
  resumeClock,
  type SupplementMode,
} from './clock.ts';
import { formatInstant, type Instant } from './instant.ts';

/**
 * A dossier's state is a fold of its events, sorted by their instant: the same set of events gives the
 * same state whatever order they arrived in, so duplicates and out-of-order deliveries are harmless.
 * Events that cannot apply (a completion for a step not on the path, a second reschedule…) are kept
 * with the reason, never dropped.
 */

export const DOSSIER_STATUSES = [
  'in_progress',
  'paused',
  'processed',
  'resolved',
  'returned',
  'withdrawn',
  'rejected',
] as const;
export type DossierStatus = (typeof DOSSIER_STATUSES)[number];
export const OUTCOMES = ['early', 'on_time', 'late'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type Priority = 'elderly' | 'disabled' | 'merit';

const TERMINAL: Record<string, DossierStatus> = {
  'dossier.resolved': 'resolved',
  'dossier.returned': 'returned',
  'dossier.withdrawn': 'withdrawn',
  'dossier.rejected': 'rejected',
};
export const isTerminal = (status: DossierStatus) => ['resolved', 'returned', 'withdrawn', 'rejected'].includes(status);

/** Same-instant events apply in this order: a pause before a completion before a resume before a close. */
const RANK: Record<DossierEvent['type'], number> = {
  'dossier.received': 0,
  'supplement.requested': 1,
  'step.completed': 2,
  'apology.issued': 2,
  'supplement.received': 3,
  'dossier.resolved': 4,
  'dossier.returned': 4,
  'dossier.withdrawn': 4,
  'dossier.rejected': 4,
};

export interface StepState {
  readonly stepId: string;
  /** The step's Vietnamese name (the event's `stepName`, else the catalogue's), for the texts. */
  readonly name: string | null;
  readonly unitId: string;
  readonly stage: number;
  readonly budget: Limit;
  handedOverAt: Instant | null;
  completedAt: Instant | null;
  clock: ClockLedger | null;
}

/** The eventId prefix of the apology.issued dunghan records when its own SMS apology is sent (not an officer's). */
export const DUNGHAN_APOLOGY_PREFIX = 'dunghan:';

export interface Apology {
  readonly eventId: string;
  readonly unitId: string;
  readonly reason: string;
  readonly newDueAt: Instant;
  readonly at: Instant;
}

export interface DossierState {
  readonly dossierId: string;
  readonly procedureCode: string;
  readonly procedureName: string;
  readonly priority: Priority | null;
  readonly receivingUnitId: string | null;
  readonly receivedAt: Instant;
  status: DossierStatus;
  clock: ClockLedger;
  readonly steps: StepState[];
  readonly stageCount: number;
  /** The stage being processed; null once all stages are done. */
  currentStage: number | null;
  /** End of processing: the last step's completion, or the close (resolved, returned, …) if earlier. */
  finishedAt: Instant | null;
  apology: Apology | null;
  /** Supplement requests applied: the portal counts a dossier asked more than once late (docs/law.md §5). */
  supplementRequests: number;
  readonly applied: string[];
  readonly unapplied: { eventId: string; reason: string }[];
}

/** A dossier.received whose path is known (given, or resolved from the catalogue at intake). */
export type ReceivedWithPath = DossierReceived & { path: NonNullable<DossierReceived['path']> };

export function sortEvents<E extends { at: Instant; type: DossierEvent['type']; eventId: string }>(
  events: readonly E[],
): E[] {
  return [...events].sort((a, b) => a.at - b.at || RANK[a.type] - RANK[b.type] || a.eventId.localeCompare(b.eventId));
}

/** Why an event dated before its dossier's receipt does not apply (nothing happens to a dossier before it). */
export function beforeReceipt(receivedAt: Instant): string {
  return `is before the dossier's receipt (${formatInstant(receivedAt)}): nothing happens to a dossier before it is received`;
}

/** An event whose effect the working calendar cannot count (a stage opening beyond its data). */
class UncountableEvent extends Error {
  constructor(
    readonly eventId: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Folds a dossier's events; null while its dossier.received has not arrived. An event that would take
 * the dossier beyond the working calendar data (intake refuses most such events; a later stage can still
 * open beyond it) is kept unapplied with the reason, and applies once the data is extended.
 */
export function foldDossier(calendar: WorkingCalendar, events: readonly DossierEvent[]): DossierState | null {
  const uncountable: { eventId: string; reason: string }[] = [];
  let remaining = events;
  for (;;) {
    try {
      const state = foldOnce(calendar, remaining);
      state?.unapplied.push(...uncountable);
      return state;
    } catch (err) {
      if (!(err instanceof UncountableEvent)) throw err;
      uncountable.push({
        eventId: err.eventId,
        reason: `${err.message}; the event is kept and applies when the data is extended`,
      });
      remaining = remaining.filter((e) => e.eventId !== err.eventId);
    }
  }
}

function foldOnce(calendar: WorkingCalendar, events: readonly DossierEvent[]): DossierState | null {
  const sorted = sortEvents(events);
  const received = sorted.find((e): e is ReceivedWithPath => e.type === 'dossier.received' && e.path !== undefined);
  if (!received) return null;
  const mode: SupplementMode = received.supplementMode ?? 'pause';
  const state: DossierState = {
    dossierId: received.dossierId,
    procedureCode: received.procedureCode,
    procedureName: received.procedureName,
    priority: received.applicant.priority ?? null,
    receivingUnitId: received.receivingUnitId ?? null,
    receivedAt: received.at,
    status: 'in_progress',
    clock: openClock(calendar, { receivedAt: received.at, limit: received.limit, mode }),
    steps: received.path.flatMap((stage, i) =>
      stage.map((s) => ({
        stepId: s.stepId,
        name: s.stepName ?? null,
        unitId: s.unitId,
        stage: i,
        budget: s.budget,
        handedOverAt: null,
        completedAt: null,
        clock: null,
      })),
    ),
    stageCount: received.path.length,
    currentStage: 0,
    finishedAt: null,
    apology: null,
    supplementRequests: 0,
    applied: [received.eventId],
    unapplied: [],
  };
  const early = new Map<string, Instant>();

  const openStage = (stage: number, at: Instant) => {
    state.currentStage = stage;
    for (const step of state.steps.filter((s) => s.stage === stage)) {
      step.handedOverAt = at;
      step.clock = openClock(calendar, { receivedAt: at, limit: step.budget, mode });
      if (state.status === 'paused') step.clock = pauseClock(step.clock, at);
    }
    // Completions reported before their stage started apply when it starts.
    for (const step of state.steps.filter((s) => s.stage === stage && early.has(s.stepId))) completeStep(step, at);
  };
  const completeStep = (step: StepState, at: Instant) => {
    step.completedAt = at;
    const stage = step.stage;
    if (state.steps.some((s) => s.stage === stage && s.completedAt === null)) return;
    if (stage + 1 < state.stageCount) openStage(stage + 1, at);
    else {
      state.currentStage = null;
      state.finishedAt ??= at;
      if (state.status === 'in_progress') state.status = 'processed';
    }
  };
  const openSteps = () => state.steps.filter((s) => s.handedOverAt !== null && s.completedAt === null);

  openStage(0, received.at);
  for (const e of sorted) {
    if (e === received) continue;
    // The intake refuses such an event once the receipt is stored; one that came before its receipt is kept.
    if (e.at < received.at && e.type !== 'dossier.received') {
      state.unapplied.push({ eventId: e.eventId, reason: beforeReceipt(received.at) });
      continue;
    }
    let reason: string | null;
    try {
      reason = apply(e, e.at);
    } catch (err) {
      if (err instanceof CalendarRangeError) throw new UncountableEvent(e.eventId, err.message);
      throw err;
    }
    if (reason === null) state.applied.push(e.eventId);
    else state.unapplied.push({ eventId: e.eventId, reason });
  }
  return state;

  /** Applies one event; returns why it cannot apply, or null. */
  function apply(e: DossierEvent, at: Instant): string | null {
    if (e.type === 'dossier.received')
      return `dossier ${e.dossierId} was already received (event ${received!.eventId})`;
    if (isTerminal(state.status)) return `dossier ${state.dossierId} is already ${state.status}`;
    switch (e.type) {
      case 'step.completed': {
        const step = state.steps.find((s) => s.stepId === e.stepId);
        if (!step) return `step "${e.stepId}" is not on the path of dossier ${state.dossierId}`;
        if (step.completedAt !== null || early.has(step.stepId)) return `step "${e.stepId}" is already completed`;
        if (state.currentStage !== null && step.stage > state.currentStage) {
          early.set(step.stepId, at);
          return null;
        }
        completeStep(step, at);
        return null;
      }
      case 'supplement.requested': {
        if (state.status === 'paused') return 'a supplement is already awaited';
        if (state.status === 'processed') return 'processing is already finished';
        state.clock = pauseClock(state.clock, at);
        for (const s of openSteps()) s.clock = pauseClock(s.clock!, at);
        state.status = 'paused';
        state.supplementRequests++;
        return null;
      }
      case 'supplement.received': {
        if (state.status !== 'paused') return 'no supplement was requested';
        state.clock = resumeClock(state.clock, at);
        for (const s of state.steps) {
          const last = s.clock?.pauses[s.clock.pauses.length - 1];
          if (last && last.to === null) s.clock = resumeClock(s.clock!, at);
        }
        state.status = state.currentStage === null ? 'processed' : 'in_progress';
        return null;
      }
      case 'apology.issued': {
        // docs/law.md §2: the appointment may be rescheduled once only.
        if (state.apology)
          return 'the appointment was already rescheduled once (Decree 61/2018 Art. 19: one reschedule only)';
        try {
          state.clock = extendClock(calendar, state.clock, at, e.newDueAt);
        } catch (err) {
          if (err instanceof ClockRuleError) return `newDueAt: ${err.message}`;
          throw err;
        }
        state.apology = { eventId: e.eventId, unitId: e.unitId, reason: e.reason, newDueAt: e.newDueAt, at };
        return null;
      }
      default: {
        state.status = TERMINAL[e.type]!;
        state.finishedAt ??= at;
        return null;
      }
    }
  }
}
