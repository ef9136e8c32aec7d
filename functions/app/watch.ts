import type { DossierMeta } from '../schemas/records.ts';

/** The earliest wait, at or after `fromIso`, of the dossier's open steps (null: none). */
export function nextWait(meta: Pick<DossierMeta, 'waits' | 'closedSteps'>, fromIso: string): string | null {
  let earliest: string | null = null;
  for (const [stepId, until] of Object.entries(meta.waits)) {
    if (meta.closedSteps.includes(stepId) || until < fromIso) continue;
    if (earliest === null || until < earliest) earliest = until;
  }
  return earliest;
}
