import { CalendarRangeError, type WorkingCalendar } from '../core/calendar.ts';
import { computeDueAt, type Limit } from '../core/clock.ts';
import { formatInstant, type Instant } from '../core/instant.ts';
import type { Catalogue, Procedure } from '../schemas/catalogue.ts';
import type { DossierEvent, DossierReceived, IntakeEvent, StepSpec } from '../schemas/events.ts';
import type { Unit } from '../schemas/records.ts';
import { cachedUnit } from './dossiers.ts';
import type { Deps } from './ports.ts';

/** What the intake checks before it stores an event, and the form it stores it in. */

/** The catalogue path of a procedure for the receiving unit ("receiving", "parent" or a fixed unit). */
export async function resolvePath(
  deps: Deps,
  event: DossierReceived,
): Promise<{ path: StepSpec[][] } | { field: string; reason: string }> {
  const procedure = deps.catalogue.procedures.find((p) => p.procedureCode === event.procedureCode);
  if (!procedure)
    return { field: 'path', reason: `procedure ${event.procedureCode} is not in the catalogue; send its path` };
  const receiving = await cachedUnit(deps, event.receivingUnitId!);
  if (!receiving)
    return { field: 'receivingUnitId', reason: `unit ${event.receivingUnitId} is not known; send unit.upserted first` };
  return pathFor(deps.catalogue, procedure, receiving);
}

/** A catalogued procedure's path for a known receiving unit: each step's unit resolved. */
export function pathFor(
  catalogue: Catalogue,
  procedure: Procedure,
  receiving: Unit,
): { path: StepSpec[][] } | { field: string; reason: string } {
  const unitOf = (t: Procedure['path'][number][number]) => {
    if ('servedBy' in t) return catalogue.servedBy?.[t.servedBy]?.[receiving.unitId] ?? null;
    return t.unit === 'receiving' ? receiving.unitId : t.unit === 'parent' ? receiving.parentUnitId : t.unit;
  };
  const path: StepSpec[][] = [];
  for (const stage of procedure.path) {
    const steps: StepSpec[] = [];
    for (const t of stage) {
      const unitId = unitOf(t);
      if (!unitId) {
        const missing = 'servedBy' in t ? `no "${t.servedBy}" unit serving it` : 'no parent';
        return { field: 'receivingUnitId', reason: `unit ${receiving.unitId} has ${missing} for step ${t.stepId}` };
      }
      steps.push({ stepId: t.stepId, ...(t.name ? { stepName: t.name } : {}), unitId, budget: t.budget });
    }
    path.push(steps);
  }
  return { path };
}

/**
 * What the working calendar cannot count: an instant outside its years, a limit or a budget that ends
 * beyond its data. Refused before the event is stored, since every later fold of the dossier would fail.
 */
export function beyondCalendar(
  calendar: WorkingCalendar,
  event: DossierEvent,
): { field: string; reason: string } | null {
  const data = `the working calendar data covers ${calendar.coverage()}`;
  if (!calendar.covers(event.at)) return { field: 'at', reason: `is outside the working calendar; ${data}` };
  if (event.type === 'apology.issued' && !calendar.covers(event.newDueAt))
    return { field: 'newDueAt', reason: `is outside the working calendar; ${data}` };
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

/**
 * A step whose unit was never upserted: refused before the event is stored, since every notice about it
 * would go nowhere (a citizen would read an apology signed with a raw id). A province loads its units
 * first. `fromCatalogue`: the path was resolved from the procedure catalogue.
 */
export async function unknownUnit(
  deps: Deps,
  event: IntakeEvent,
  fromCatalogue: boolean,
): Promise<{ field: string; reason: string } | null> {
  if (event.type !== 'dossier.received') return null;
  for (const [i, stage] of (event.path ?? []).entries()) {
    for (const [j, step] of stage.entries()) {
      if (await cachedUnit(deps, step.unitId)) continue;
      const where = fromCatalogue
        ? ` (the catalogue path of procedure ${event.procedureCode}, step ${step.stepId})`
        : '';
      return {
        field: `path[${i}][${j}].unitId`,
        reason: `unit ${step.unitId}${where} is not known; send its unit.upserted first (a province loads its units before its dossiers)`,
      };
    }
  }
  return null;
}

/** Back to the contract's JSON form (instants as ISO strings, limits as text) for storage. */
export function serialise(event: IntakeEvent): Record<string, unknown> {
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
