import { type DossierState, foldDossier } from '../core/dossier.ts';
import type { UnitRef } from '../core/policy.ts';
import { type DossierEvent, parseEvent } from '../schemas/events.ts';
import type { NoticeRecord, StoredEvent, Unit } from '../schemas/records.ts';
import { DossierNotFoundError, StoredDataError } from './errors.ts';
import type { Deps } from './ports.ts';

/** The events of a dossier, parsed again by the contract's schemas. */
export async function dossierEvents(deps: Deps, dossierId: string): Promise<DossierEvent[]> {
  return parseStored(dossierId, await deps.store.events.ofDossier(dossierId));
}

/**
 * Parsed stored events by body. An event is written once and its body never changes, so its parse is the
 * same every time: a dossier's tasks read its partition again and again (a warm Lambda as much as the
 * embedded stack), and parsing each body by the contract's schemas was about 5 % of a season's CPU. The
 * events kept are frozen (a caller that changed one would change it for the next); the oldest go first.
 */
const parsedBodies = new Map<string, DossierEvent>();
const PARSED_BODIES_KEPT = 20_000;

function parseStored(dossierId: string, stored: StoredEvent[]): DossierEvent[] {
  return stored.map((s) => {
    const kept = parsedBodies.get(s.body);
    if (kept) return kept;
    const parsed = parseEvent(JSON.parse(s.body), 'stored');
    if (!parsed.ok || parsed.event.type === 'unit.upserted') {
      throw new StoredDataError(`stored event ${s.eventId} of dossier ${dossierId} does not parse`);
    }
    if (parsedBodies.size >= PARSED_BODIES_KEPT) parsedBodies.delete(parsedBodies.keys().next().value!);
    parsedBodies.set(s.body, deepFreeze(parsed.event));
    return parsed.event;
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The folded state of a dossier; throws DossierNotFoundError when it was never received. */
export async function loadDossier(
  deps: Deps,
  dossierId: string,
): Promise<{ state: DossierState; events: DossierEvent[] }> {
  return folded(deps, dossierId, await dossierEvents(deps, dossierId));
}

/** The folded state of a dossier and its notices, from one read of its partition. */
export async function loadDossierWithNotices(
  deps: Deps,
  dossierId: string,
): Promise<{ state: DossierState; events: DossierEvent[]; notices: NoticeRecord[] }> {
  const read = await deps.store.events.ofDossierWithNotices(dossierId);
  return { ...folded(deps, dossierId, parseStored(dossierId, read.events)), notices: read.notices };
}

function folded(
  deps: Deps,
  dossierId: string,
  events: DossierEvent[],
): { state: DossierState; events: DossierEvent[] } {
  const state = foldDossier(deps.calendar, events);
  if (!state) throw new DossierNotFoundError(`dossier ${dossierId} has not been received`);
  return { state, events };
}

/** A unit, from the store or read in the last `deps.unitCacheMs`. */
export async function cachedUnit(deps: Deps, unitId: string): Promise<Unit | null> {
  const now = deps.now();
  const hit = deps.unitCache.get(unitId);
  if (hit && hit.until > now) return hit.unit;
  const unit = await deps.store.units.get(unitId);
  deps.unitCache.set(unitId, { unit, until: now + deps.unitCacheMs });
  return unit;
}

/** A unit and its ancestors, as the escalation ladder needs them. */
export async function unitChain(deps: Deps, unitId: string): Promise<Map<string, Unit & UnitRef>> {
  const units = new Map<string, Unit & UnitRef>();
  let cur: string | null = unitId;
  while (cur !== null && !units.has(cur) && units.size < 10) {
    const unit: Unit | null = await cachedUnit(deps, cur);
    if (!unit) break;
    units.set(cur, unit);
    cur = unit.parentUnitId;
  }
  return units;
}

/** Steps whose wait must end: completed ones, and all of them once the dossier is closed or finished. */
export function closedSteps(state: DossierState): string[] {
  const allClosed = state.finishedAt !== null;
  return state.steps.filter((s) => allClosed || s.completedAt !== null).map((s) => s.stepId);
}
