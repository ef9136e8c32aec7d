import { apologyReason } from '../core/apology-reasons.ts';
import { controlSheet } from '../core/control-sheet.ts';
import { dayOf, formatInstant, isoDateOf, startOfDay } from '../core/instant.ts';
import type { ApologyRequest } from '../schemas/requests.ts';
import { loadDossier } from './dossiers.ts';
import { ActionRefusedError, DossierNotFoundError, ForbiddenError, InvalidInputError } from './errors.ts';
import type { Viewer } from './identity.ts';
import { type IntakeOutcome, ingestEvent } from './intake.ts';
import type { Deps } from './ports.ts';
import { covers, scopeOf } from './reports/scope.ts';

/**
 * What a head does from the dashboard: the one reschedule with its apology (docs/law.md §2), sent as an
 * `apology.issued` event through the same intake as iGate's; and the acknowledgement of an escalation, recorded on the
 * notice for the levels above to see (the ladder goes on: an acknowledgement is not a resolution).
 */

function requireActor(viewer: Viewer): void {
  if (viewer.role === 'viewer') throw new ForbiddenError('a viewer reads; only a head (or delegate) acts');
}

export async function issueApology(
  deps: Deps,
  viewer: Viewer,
  dossierId: string,
  request: ApologyRequest,
): Promise<IntakeOutcome> {
  requireActor(viewer);
  const [scope, { state }] = await Promise.all([scopeOf(deps, viewer), loadDossier(deps, dossierId)]);
  const now = deps.now();
  const sheet = controlSheet(deps.calendar, state, now);
  // The head of the unit holding the dossier (or of a unit above it) apologises for it.
  if (!covers(scope, sheet.holderUnitId))
    throw new ForbiddenError(`dossier ${dossierId} is not held by a unit of ${viewer.unitId}`);
  if (state.apology)
    throw new ActionRefusedError('newDueDate', 'the appointment was already rescheduled once (one reschedule only)');
  const due = sheet.statutoryDueAt;
  if (due === null)
    throw new ActionRefusedError('newDueDate', 'the dossier is paused for a supplement: no appointment runs');
  if (now > due && !request.late)
    throw new ActionRefusedError('late', `the due (${formatInstant(due)}) has passed: mark the apology late`);
  const day = request.newDueDate;
  if (dayOf(deps.calendar.nextWorkingInstant(startOfDay(day))) !== day)
    throw new InvalidInputError('newDueDate', `${isoDateOf(day)} is not a working day`, 'invalid_request');
  if (day <= dayOf(due))
    throw new InvalidInputError(
      'newDueDate',
      `must be a working day after the due day ${isoDateOf(dayOf(due))}`,
      'invalid_request',
    );
  const newDueAt = deps.calendar.closeOfWorkingDay(deps.calendar.nextWorkingInstant(startOfDay(day)));
  // One reschedule per dossier: a second click is the same event (a duplicate), never a second apology.
  const outcome = await ingestEvent(deps, {
    eventId: `dashboard:apology:${dossierId}`,
    type: 'apology.issued',
    at: formatInstant(now),
    dossierId,
    unitId: sheet.holderUnitId!,
    reason: apologyReason(request.reasonCode, request.reasonText),
    newDueAt: formatInstant(newDueAt),
  });
  deps.logger.info('apology issued from the dashboard', { dossierId, userId: viewer.userId, status: outcome.status });
  if (outcome.status === 'kept') throw new ActionRefusedError('newDueDate', outcome.reason);
  return outcome;
}

export async function acknowledgeEscalation(deps: Deps, viewer: Viewer, dossierId: string, noticeId: string) {
  requireActor(viewer);
  const [scope, notice] = await Promise.all([scopeOf(deps, viewer), deps.store.notices.get(dossierId, noticeId)]);
  if (!notice) throw new DossierNotFoundError(`notice ${noticeId} of dossier ${dossierId} is not known`);
  if (notice.kind !== 'head.escalation')
    throw new ActionRefusedError('noticeId', `is a ${notice.kind}, not an escalation`);
  // The head it was sent to acknowledges it (or a level above, seeing it).
  if (!covers(scope, notice.unitId))
    throw new ForbiddenError(`notice ${noticeId} was sent to a unit outside ${viewer.unitId}`);
  const acknowledgement = { unitId: viewer.unitId, userId: viewer.userId, at: formatInstant(deps.now()) };
  if (!(await deps.store.notices.acknowledge(dossierId, noticeId, acknowledgement)))
    throw new ActionRefusedError('noticeId', 'is already acknowledged');
  deps.logger.info('escalation acknowledged', { dossierId, noticeId, userId: viewer.userId });
  return { dossierId, noticeId, acknowledgement };
}
