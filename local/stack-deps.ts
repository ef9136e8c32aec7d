import type { DynamoStore } from '../functions/adapters/dynamodb/store.ts';
import type { Deps } from '../functions/app/ports.ts';
import { PARK_WAKE_LEAD_MS } from '../functions/app/timing.ts';
import { MINUTE_MS } from '../functions/core/instant.ts';
import type { PolicyFile } from '../functions/schemas/policy.ts';

/** What the embedded stack changes in its dependencies because one process holds the whole of it. */

/**
 * One process holds the local store (dynalite in process; a data folder is locked to it), so every unit
 * write goes through its UnitStore, whoever calls it (the intake, a bench, a test): each forgets the
 * stack's unit reads, which can then be kept until a write rather than for UNIT_CACHE_MS.
 */
export function forgetUnitReadsOnWrite(store: DynamoStore, deps: Deps): void {
  const units = store.units;
  const upsert = units.upsert.bind(units);
  units.upsert = async (unit) => {
    try {
      return await upsert(unit);
    } finally {
      deps.unitCache.delete(unit.unitId);
      deps.unitList = null;
    }
  };
}

/**
 * The embedded stack parks executions whose waits are all longer than a day, unless told otherwise: overnight,
 * weekend and holiday waits, most of a dossier's life. Measured on `simulate 3 1000` (2026-12-02, 2-core
 * machine): never 52.5 s and 645 MB max RSS; after a day 53.7 s and 454 MB; after 2 hours 77.3 s and 408 MB
 * (each restart costs Plan, StartStage, RegisterWait and EndStage).
 */
export const LOCAL_PARK_AFTER_MINUTES = 24 * 60;

/**
 * The policy with the stack's parking: parked dossiers are started again by the sweeper, twice within the
 * lead before their checkpoint, so a stack without one (or with a slower one) parks none.
 */
export function localParking(
  policy: PolicyFile,
  options: { sweepEveryMinutes?: number; parkAfterMinutes?: number | null },
): PolicyFile {
  const every = options.sweepEveryMinutes ?? 15;
  const swept = every > 0 && 2 * every * MINUTE_MS <= PARK_WAKE_LEAD_MS;
  const parkAfterMinutes = swept
    ? options.parkAfterMinutes === undefined
      ? LOCAL_PARK_AFTER_MINUTES
      : options.parkAfterMinutes
    : null;
  return { ...policy, operations: { ...policy.operations, parkAfterMinutes } };
}
