import { controlSheet } from '../../core/control-sheet.ts';
import { formatInstant } from '../../core/instant.ts';
import { loadDossierWithNotices } from '../dossiers.ts';
import type { Deps } from '../ports.ts';

/** The outcome, recorded when the path ends; notices still waiting for their window are cancelled. */
export async function finalize(deps: Deps, dossierId: string): Promise<{ outcome: string | null }> {
  const { state, notices } = await loadDossierWithNotices(deps, dossierId);
  const now = deps.now();
  const sheet = controlSheet(deps.calendar, state, now);
  await deps.store.dossiers.recordOutcome(dossierId, {
    outcome: sheet.outcome,
    minutesLate: sheet.minutesLate,
    responsibleUnitId: sheet.responsibleUnitId,
    finalizedAt: formatInstant(now),
  });
  for (const n of notices) {
    if (n.status === 'pending')
      await deps.store.notices.settle(dossierId, n.noticeId, {
        status: 'cancelled',
        at: formatInstant(now),
        reason: `dossier ${state.status}`,
      });
  }
  return { outcome: sheet.outcome };
}
