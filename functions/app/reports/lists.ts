import { formatInstant, parseInstant } from '../../core/instant.ts';
import type { DossierMeta } from '../../schemas/records.ts';
import type { Viewer } from '../identity.ts';
import type { Deps } from '../ports.ts';
import { requireUnit, scopeOf } from './scope.ts';

/**
 * GET /dossiers?unitId=&view=: the open dossiers a unit holds, as its head watches them (letter 001 §4 of docs/law.md
 * §8: officers watch the dossiers coming due so none is late). Newest risk first: the overdue by the latest to fall
 * due, the coming-due by the nearest due; the open list by due.
 */

export const LIST_VIEWS = ['overdue', 'coming-due', 'open'] as const;
export type ListView = (typeof LIST_VIEWS)[number];

/** "Coming due": due within this many working days (the apology's lead is one: docs/law.md §2). */
export const COMING_DUE_WORKING_DAYS = 2;

export interface ListedDossier {
  dossierId: string;
  procedureCode: string | null;
  procedureName: string | null;
  holderUnitId: string | null;
  status: string;
  dueAt: string | null;
  /** Working minutes past the due (overdue) or left before it; null while paused. */
  minutesLate: number | null;
  minutesLeft: number | null;
  noticesSent: number;
}

export async function listDossiers(
  deps: Deps,
  viewer: Viewer,
  query: { unitId?: string | undefined; view: ListView; cursor?: string | undefined; limit: number },
): Promise<{ unitId: string; view: ListView; items: ListedDossier[]; cursor: string | null }> {
  const unitId = query.unitId ?? viewer.unitId;
  requireUnit(await scopeOf(deps, viewer), unitId);
  const now = deps.now();
  const nowIso = formatInstant(now);
  const range =
    query.view === 'overdue'
      ? { before: nowIso }
      : query.view === 'coming-due'
        ? { from: nowIso, before: formatInstant(deps.calendar.closeOfNthWorkingDayAfter(now, COMING_DUE_WORKING_DAYS)) }
        : {};
  const page = await deps.store.dossiers.heldBy(unitId, range, {
    limit: query.limit,
    newestFirst: query.view === 'overdue',
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  const items = await Promise.all(page.items.map((m) => listed(deps, m, now)));
  return { unitId, view: query.view, items, cursor: page.cursor };
}

async function listed(deps: Deps, meta: DossierMeta, now: number): Promise<ListedDossier> {
  const notices = await deps.store.notices.ofDossier(meta.dossierId);
  const due = meta.dueAt === null ? null : parseInstant(meta.dueAt);
  const between = (a: number, b: number) => Math.round(deps.calendar.workingMinutesBetween(a, b));
  return {
    dossierId: meta.dossierId,
    procedureCode: meta.facts?.procedureCode ?? null,
    procedureName: meta.facts?.procedureName ?? null,
    holderUnitId: meta.holderUnitId,
    status: meta.status,
    dueAt: meta.dueAt,
    minutesLate: due !== null && due < now ? between(due, now) : due === null ? null : 0,
    minutesLeft: due !== null && due >= now ? between(now, due) : due === null ? null : 0,
    noticesSent: notices.filter((n) => n.status === 'sent').length,
  };
}
