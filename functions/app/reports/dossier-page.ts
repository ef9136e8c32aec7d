import { controlSheet } from '../../core/control-sheet.ts';
import { foldDossier, sortEvents } from '../../core/dossier.ts';
import { formatInstant } from '../../core/instant.ts';
import type { DossierEvent } from '../../schemas/events.ts';
import type { NoticeRecord } from '../../schemas/records.ts';
import { dossierEvents } from '../dossiers.ts';
import { DossierNotFoundError, StoredDataError } from '../errors.ts';
import type { Viewer } from '../identity.ts';
import type { Deps } from '../ports.ts';
import { presentSheet } from '../sheet.ts';
import { requireDossier, scopeOf } from './scope.ts';

/**
 * GET /dossiers/{id}: the control sheet (Form 06, docs/law.md §1) now, with the dossier's notices, the sweeper's
 * quarantine, the feed's findings and the timeline of its events (those kept unapplied with their reason). Ids, instants and
 * reasons only: no applicant's name or phone (notice numbers are stored masked).
 */

export interface TimelineEntry {
  eventId: string;
  type: DossierEvent['type'];
  at: string;
  applied: boolean;
  /** Why it did not apply, when it did not. */
  reason?: string;
  stepId?: string;
  unitId?: string;
  apologyReason?: string;
  newDueAt?: string;
}

function timelineOf(events: readonly DossierEvent[], unapplied: ReadonlyMap<string, string>): TimelineEntry[] {
  return sortEvents(events).map((e) => {
    const entry: TimelineEntry = { eventId: e.eventId, type: e.type, at: formatInstant(e.at), applied: true };
    const reason = unapplied.get(e.eventId);
    if (reason !== undefined) Object.assign(entry, { applied: false, reason });
    if (e.type === 'step.completed') entry.stepId = e.stepId;
    if (e.type === 'apology.issued')
      Object.assign(entry, { unitId: e.unitId, apologyReason: e.reason, newDueAt: formatInstant(e.newDueAt) });
    return entry;
  });
}

const presentNotice = (n: NoticeRecord) => ({
  noticeId: n.noticeId,
  kind: n.kind,
  rung: n.rung,
  stepId: n.stepId,
  unitId: n.unitId,
  subjectUnitId: n.subjectUnitId,
  audience: n.audience,
  dueAt: n.dueAt,
  status: n.status,
  sentAt: n.sentAt ?? null,
  to: n.to ?? null,
  text: n.text ?? null,
  reason: n.reason ?? null,
  acknowledgement: n.acknowledgement ?? null,
});

export async function getDossierPage(deps: Deps, viewer: Viewer, dossierId: string) {
  const [scope, meta, feed] = await Promise.all([
    scopeOf(deps, viewer),
    deps.store.dossiers.get(dossierId),
    deps.store.feed.get(dossierId),
  ]);
  // What the national portal's feed found wrong (docs/law.md §7); empty for a dossier sent as events.
  const findings = feed?.findings ?? [];
  let events: DossierEvent[];
  try {
    events = await dossierEvents(deps, dossierId);
  } catch (err) {
    // The sweeper gave up on a dossier whose data no longer folds: its quarantine is what there is to show.
    if (!(err instanceof StoredDataError && meta?.quarantine)) throw err;
    requireDossier(scope, dossierId, [meta.holderUnitId, meta.facts?.receivedBy ?? null]);
    return { dossierId, status: meta.status, quarantine: meta.quarantine, findings };
  }
  const state = foldDossier(deps.calendar, events);
  if (!state) throw new DossierNotFoundError(`dossier ${dossierId} is not known`);
  requireDossier(scope, dossierId, [state.receivingUnitId, ...state.steps.map((s) => s.unitId)]);
  const notices = await deps.store.notices.ofDossier(dossierId);
  const unapplied = new Map(state.unapplied.map((u) => [u.eventId, u.reason]));
  return {
    ...presentSheet(controlSheet(deps.calendar, state, deps.now())),
    ...(meta?.quarantine ? { quarantine: meta.quarantine } : {}),
    procedureName: state.procedureName,
    apology: state.apology && {
      unitId: state.apology.unitId,
      reason: state.apology.reason,
      newDueAt: formatInstant(state.apology.newDueAt),
      at: formatInstant(state.apology.at),
    },
    notices: notices.sort((a, b) => a.dueAt.localeCompare(b.dueAt)).map(presentNotice),
    findings,
    timeline: timelineOf(events, unapplied),
  };
}
