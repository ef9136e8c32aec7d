import type { FeedState } from '../schemas/records.ts';
import type { DerivedEvent } from './feed.ts';
import { feedEventId } from './feed-state.ts';
import { formatInstant, type Instant } from './instant.ts';

/** A progress row as the application hands it over: its unit mapped (null when unknown), its instants. */
export interface HandOverRow {
  unitId: string | null;
  /** From when the unit holds the dossier: NgayBatDau, else ThoiDiemXuLy. */
  from: Instant;
  /** When it acted (ThoiDiemXuLy, else NgayBatDau). */
  at: Instant;
}

/**
 * A progress row: who holds the dossier from when. The feed has one holder at a time; a path may run
 * steps in parallel. Rows of one unit with the same start are one hold (several actions). A new hold
 * takes an open step of the current stage at that unit; or, when that unit's step of the stage is
 * taken already, the dossier came back to it: the other steps of the stage it went to are done; or
 * else it takes the first later step at that unit, and the steps before it are done. A step done so
 * ends at the last action of the hold that took it, or at the hand-over when none is recorded. A
 * unit not on the remaining path moves nothing: its time stays with the step that holds the dossier.
 */
export function deriveHandOver(st: FeedState, row: HandOverRow): DerivedEvent[] {
  if (!st.receipt || st.closed || row.unitId === null) return [];
  const same = st.holds.find((h) => h.unitId === row.unitId && h.from === row.from);
  if (same) {
    same.lastAt = Math.max(same.lastAt, row.at);
    return [];
  }
  const open = st.receipt.steps.filter((x) => st.completed[x.stepId] === undefined);
  if (open.length === 0) return [];
  const current = Math.min(...open.map((x) => x.stage));
  const holdOf = (stepId: string) => st.holds.find((h) => h.stepId === stepId);
  const inStage = open.filter((x) => x.stage === current);
  const here = inStage.find((x) => x.unitId === row.unitId && !holdOf(x.stepId));
  const returned =
    here || !inStage.some((x) => x.unitId === row.unitId)
      ? []
      : inStage.filter((x) => x.unitId !== row.unitId && holdOf(x.stepId));
  const later = here || returned.length ? undefined : open.find((x) => x.stage > current && x.unitId === row.unitId);
  const done = later ? open.filter((o) => o.stage < later.stage) : returned;
  const events: DerivedEvent[] = [];
  for (const x of done) {
    const h = holdOf(x.stepId);
    const at = h && h.lastAt > h.from && h.lastAt <= row.from ? h.lastAt : row.from;
    events.push({
      event: {
        eventId: feedEventId(st.dossierId, `${x.stepId}:completed`, at),
        type: 'step.completed',
        at: formatInstant(at),
        dossierId: st.dossierId,
        stepId: x.stepId,
      },
      field: 'ThoiDiemXuLy',
    });
    st.completed[x.stepId] = at;
  }
  st.holds.push({ unitId: row.unitId, from: row.from, lastAt: row.at, stepId: (here ?? later)?.stepId ?? null });
  return events;
}
