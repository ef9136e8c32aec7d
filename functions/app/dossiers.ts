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

function parseStored(dossierId: string, stored: StoredEvent[]): DossierEvent[] {
  return stored.map((s) => {
    const parsed = parseEvent(JSON.parse(s.body), 'stored');
    if (!parsed.ok || parsed.event.type === 'unit.upserted') {
      throw new StoredDataError(`stored event ${s.eventId} of dossier ${dossierId} does not parse`);
    }
    return parsed.event;
  });
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
