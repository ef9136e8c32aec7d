import type { Unit } from '../../schemas/records.ts';
import { ForbiddenError } from '../errors.ts';
import type { Viewer } from '../identity.ts';
import type { Deps } from '../ports.ts';

/**
 * What a user may see: their unit and every unit under it in the tree of unit.upserted parents (docs/law.md §1: units
 * form a tree rooted at the provincial office); all of it for the provincial office.
 */
export interface Scope {
  viewer: Viewer;
  units: Unit[];
  /** null: every unit (the province). */
  covered: ReadonlySet<string> | null;
}

export async function scopeOf(deps: Deps, viewer: Viewer): Promise<Scope> {
  const units = await deps.store.units.list();
  if (viewer.role === 'province') return { viewer, units, covered: null };
  const children = new Map<string, string[]>();
  for (const u of units) {
    if (u.parentUnitId === null) continue;
    children.set(u.parentUnitId, [...(children.get(u.parentUnitId) ?? []), u.unitId]);
  }
  const covered = new Set<string>();
  const queue = [viewer.unitId];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (covered.has(id)) continue;
    covered.add(id);
    queue.push(...(children.get(id) ?? []));
  }
  return { viewer, units, covered };
}

export const covers = (scope: Scope, unitId: string | null): boolean =>
  unitId !== null && (scope.covered === null || scope.covered.has(unitId));

/** Refuses a unit outside the user's scope (HTTP 403), naming neither the unit's data nor whether it exists. */
export function requireUnit(scope: Scope, unitId: string): void {
  if (!covers(scope, unitId)) throw new ForbiddenError(`unit ${unitId} is outside the units of ${scope.viewer.unitId}`);
}

/** A dossier is in scope when a unit of its path (or the one that received it) is. */
export function requireDossier(scope: Scope, dossierId: string, unitIds: readonly (string | null)[]): void {
  if (!unitIds.some((u) => covers(scope, u)))
    throw new ForbiddenError(`dossier ${dossierId} is outside the units of ${scope.viewer.unitId}`);
}
