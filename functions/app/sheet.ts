import { type ControlSheet, controlSheet } from '../core/control-sheet.ts';
import { foldDossier } from '../core/dossier.ts';
import { formatInstant, type Instant } from '../core/instant.ts';
import { dossierEvents } from './dossiers.ts';
import { DossierNotFoundError, StoredDataError } from './errors.ts';
import type { Deps } from './ports.ts';

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

/**
 * GET /dossiers/{id}: the control sheet now, the sweeper's quarantine when it gave up on the dossier
 * (its stored data may no longer fold: the quarantine is then what there is to show), and the feed's
 * findings.
 */
export async function getDossierSheet(deps: Deps, dossierId: string) {
  const [meta, feed] = await Promise.all([deps.store.dossiers.get(dossierId), deps.store.feed.get(dossierId)]);
  const quarantine = meta?.quarantine ? { quarantine: meta.quarantine } : {};
  // What the national portal's feed found wrong (docs/law.md §7); empty for a dossier sent as events.
  const findings = feed?.findings ?? [];
  let events: Awaited<ReturnType<typeof dossierEvents>>;
  try {
    events = await dossierEvents(deps, dossierId);
  } catch (err) {
    if (err instanceof StoredDataError && meta?.quarantine)
      return { dossierId, status: meta.status, ...quarantine, findings };
    throw err;
  }
  const state = foldDossier(deps.calendar, events);
  if (!state) throw new DossierNotFoundError(`dossier ${dossierId} is not known`);
  return { ...presentSheet(controlSheet(deps.calendar, state, deps.now())), ...quarantine, findings };
}
