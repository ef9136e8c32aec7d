import { createHash } from 'node:crypto';
import { controlSheet } from '../core/control-sheet.ts';
import { type DerivedEvent, deriveSnapshot } from '../core/feed.ts';
import { deriveHandOver } from '../core/feed-handover.ts';
import { emptyFeedState, receivesNow } from '../core/feed-state.ts';
import { formatInstant, type Instant, MINUTE_MS } from '../core/instant.ts';
import {
  type DvcqgService,
  type FeedItemResult,
  parseFeedBody,
  parseProgress,
  parseSnapshot,
} from '../schemas/dvcqg.ts';
import { parseEvent } from '../schemas/events.ts';
import type { FeedState } from '../schemas/records.ts';
import { loadDossier } from './dossiers.ts';
import { EventConflictError, InvalidInputError, TransientError, UnprocessableEventError } from './errors.ts';
import { addFindings, feedUnits, planReceipt, unmapped } from './feed-receipt.ts';
import { ingestEvent } from './intake.ts';
import { beyondCalendar } from './intake-checks.ts';
import type { Deps } from './ports.ts';

/**
 * The national portal's feed at dunghan's door (docs/law.md §7): POST /dvcqg/DongBoHoSoMC (snapshots)
 * and /dvcqg/CapNhatTienDoHoSoMC (progress rows), answered as the portal answers. Each item is compared
 * with the dossier's feed state; the events derived go through the same intake as POST /events; then
 * the state is written, conditional on the revision read. One bad item never refuses the others.
 */

export type FeedItemAnswer =
  | { index: number; MaHoSo: string | null; result: 'accepted'; events: string[]; note?: string }
  | { index: number; MaHoSo: string | null; result: 'refused'; field: string; reason: string };

export interface FeedAnswer {
  error_code: '0';
  message: string;
  results: FeedItemAnswer[];
}

/** Conflicting writers of one dossier's feed state: each retries from the state the other wrote. */
const MAX_ATTEMPTS = 5;

export async function ingestFeed(deps: Deps, service: DvcqgService, body: unknown): Promise<FeedAnswer> {
  const parsed = parseFeedBody(service, body);
  if (!parsed.ok) throw new InvalidInputError(parsed.field, parsed.reason);
  const results: FeedItemAnswer[] = [];
  // In order: a batch may carry several items of one dossier.
  for (const [index, item] of parsed.items.entries()) {
    const answer =
      service === 'DongBoHoSoMC'
        ? await ingestSnapshot(deps, item, parsed.madonvi)
        : await ingestProgressRow(deps, item);
    results.push({ index, ...answer } as FeedItemAnswer);
  }
  const refused = results.filter((r) => r.result === 'refused').length;
  const message =
    refused === 0
      ? `Thành công: ${results.length} mục`
      : `Thành công ${results.length - refused}/${results.length} mục; ${refused} mục bị từ chối (xem results)`;
  return { error_code: '0', message, results };
}

type Answer = FeedItemAnswer extends infer A ? (A extends FeedItemAnswer ? Omit<A, 'index'> : never) : never;
const refusal = (dossierId: string | null, field: string, reason: string): Answer => ({
  MaHoSo: dossierId,
  result: 'refused',
  field,
  reason,
});
const refusedParse = (p: Extract<FeedItemResult<unknown>, { ok: false }>) => refusal(p.dossierId, p.field, p.reason);

const digestOf = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22);

async function ingestSnapshot(deps: Deps, item: unknown, madonvi: string | null): Promise<Answer> {
  const parsed = parseSnapshot(item);
  if (!parsed.ok) return refusedParse(parsed);
  const s = parsed.item;
  const digest = digestOf(s);
  const raw = JSON.stringify(item);
  const rules = {
    pauseStatuses: deps.feed.pauseOnFinancialObligation ? (['5', '6'] as const) : (['5'] as const),
  };
  for (let attempt = 1; ; attempt++) {
    const prev = await deps.store.feed.get(s.dossierId);
    const now = deps.now();
    let plan = null;
    let findings: FeedState['findings'] = [];
    if (receivesNow(prev, s, digest)) {
      const planned = await planReceipt(deps, s, madonvi, now);
      if ('reason' in planned) return refusal(s.dossierId, planned.field, planned.reason);
      ({ plan, findings } = planned);
    }
    const d = deriveSnapshot(prev, s, { digest, raw, now, rules, plan });
    if (d.kind === 'unchanged') return { MaHoSo: s.dossierId, result: 'accepted', events: [], note: d.note };
    if (d.kind === 'refused') return refusal(s.dossierId, d.field, d.reason);
    const state = d.state;
    addFindings(state, findings);
    const events = [...d.events, ...(plan ? await applyRows(deps, state, now) : [])];
    const written = await writeAll(deps, s.dossierId, prev, state, events, plan?.limitField ?? 'MaTTHC', async () => {
      if (
        state.receipt?.catalogued &&
        s.appointmentAt !== null &&
        (plan || prev?.snapshot?.appointmentAt !== s.appointmentAt)
      )
        await checkDue(deps, state, s.appointmentAt, now);
    });
    if ('refused' in written) return written.refused;
    if (written.saved) return accepted(s.dossierId, events, d.notes);
    if (attempt >= MAX_ATTEMPTS) throw new TransientError(`feed state of dossier ${s.dossierId}: concurrent writers`);
  }
}

async function ingestProgressRow(deps: Deps, item: unknown): Promise<Answer> {
  const parsed = parseProgress(item);
  if (!parsed.ok) return refusedParse(parsed);
  const r = parsed.item;
  const at = r.actedAt ?? r.startedAt;
  const from = r.startedAt ?? r.actedAt;
  if (at === null || from === null)
    return refusal(
      r.dossierId,
      'ThoiDiemXuLy',
      'is required (when the unit acted; or NgayBatDau: from when it holds the dossier)',
    );
  const key = digestOf([r.unitName, from, at, r.action]);
  const raw = JSON.stringify(item);
  for (let attempt = 1; ; attempt++) {
    const prev = await deps.store.feed.get(r.dossierId);
    if (prev?.rows.some((x) => x.key === key))
      return { MaHoSo: r.dossierId, result: 'accepted', events: [], note: 'the same progress row again: counted once' };
    const now = deps.now();
    const state: FeedState = structuredClone(prev ?? emptyFeedState(r.dossierId));
    state.rows.push({ key, unitName: r.unitName, from, at, applied: false, raw });
    const events = state.receipt ? await applyRows(deps, state, now) : [];
    const written = await writeAll(deps, r.dossierId, prev, state, events, 'MaTTHC', async () => {});
    if ('refused' in written) return written.refused;
    const notes = state.receipt ? [] : ['kept: it applies when the dossier is received'];
    if (written.saved) return accepted(r.dossierId, events, notes);
    if (attempt >= MAX_ATTEMPTS) throw new TransientError(`feed state of dossier ${r.dossierId}: concurrent writers`);
  }
}

const accepted = (dossierId: string, events: DerivedEvent[], notes: string[]): Answer => ({
  MaHoSo: dossierId,
  result: 'accepted',
  events: events.map((e) => e.event.eventId as string),
  ...(notes.length ? { note: notes.join('; ') } : {}),
});

/** The rows not yet applied, in time order, now that the dossier's path is known. */
async function applyRows(deps: Deps, state: FeedState, now: Instant): Promise<DerivedEvent[]> {
  const receivingUnitId = state.receipt!.receivingUnitId;
  const units = await feedUnits(deps);
  const events: DerivedEvent[] = [];
  const pending = state.rows
    .filter((x) => !x.applied)
    .sort((a, b) => a.from - b.from || a.at - b.at || a.key.localeCompare(b.key));
  for (const row of pending) {
    let unitId: string | null = null;
    if (row.unitName !== null) {
      const m = units.match(row.unitName);
      unitId = m.unitId;
      if (m.unitId === null) {
        const reason = `${m.reason}; the row moves nothing on the path (its time stays with the step holding the dossier)`;
        addFindings(state, [
          unmapped(state.dossierId, now, {
            field: 'PhongBanXuLy',
            name: row.unitName,
            attributedTo: receivingUnitId,
            reason,
          }),
        ]);
      }
    }
    events.push(...deriveHandOver(state, { unitId, from: row.from, at: row.at }));
    row.applied = true;
  }
  return events;
}

/**
 * Checks the derived events (a refusal names the feed field they came from), ingests them through the
 * intake, then writes the state. Nothing is ingested when one would be refused: no half-applied item.
 */
async function writeAll(
  deps: Deps,
  dossierId: string,
  prev: FeedState | null,
  state: FeedState,
  events: DerivedEvent[],
  limitField: string,
  beforeSave: () => Promise<void>,
): Promise<{ saved: boolean } | { refused: Answer }> {
  for (const d of events) {
    const parsed = parseEvent(d.event, 'stored');
    const problem = parsed.ok
      ? parsed.event.type === 'unit.upserted'
        ? null
        : beyondCalendar(deps.calendar, parsed.event)
      : { field: parsed.field, reason: parsed.reason };
    if (problem) return { refused: refusal(dossierId, feedField(d, problem.field, limitField), problem.reason) };
  }
  for (const d of events) {
    try {
      await ingestEvent(deps, d.event, 'stored');
    } catch (err) {
      if (err instanceof InvalidInputError || err instanceof UnprocessableEventError)
        return { refused: refusal(dossierId, feedField(d, err.field, limitField), err.reason) };
      if (err instanceof EventConflictError)
        return {
          refused: refusal(
            dossierId,
            '(item)',
            `event ${err.eventId} was derived before with other content: ${err.reason}`,
          ),
        };
      throw err;
    }
  }
  await beforeSave();
  state.revision = (prev?.revision ?? 0) + 1;
  return { saved: await deps.store.feed.save(state) };
}

/** The feed field a derived event's field came from. */
function feedField(d: DerivedEvent, eventField: string, limitField: string): string {
  if (eventField === 'at') return d.field;
  if (eventField.startsWith('applicant.phone')) return 'SoDienThoai';
  if (eventField.startsWith('applicant.name')) return 'ChuHoSo';
  if (eventField === 'limit') return limitField;
  if (eventField.startsWith('path') || eventField === 'procedureCode') return 'MaTTHC';
  if (eventField === 'procedureName') return 'TenTTHC';
  if (eventField === 'dossierId') return 'MaHoSo';
  return '(item)';
}

/**
 * docs/law.md §7: the feed's NgayHenTra against the due dunghan computes from the law, for a catalogued
 * procedure. dunghan enforces its own; the finding shows the province where its software miscounts.
 */
async function checkDue(deps: Deps, state: FeedState, feedDueAt: Instant, now: Instant): Promise<void> {
  const { state: dossier } = await loadDossier(deps, state.dossierId);
  const dueAt = controlSheet(deps.calendar, dossier, now).statutoryDueAt;
  if (dueAt === null || Math.abs(feedDueAt - dueAt) < MINUTE_MS) return;
  const feed = formatInstant(feedDueAt);
  addFindings(state, [
    {
      kind: 'due.mismatch',
      findingId: `due.mismatch:${feed}`,
      dossierId: state.dossierId,
      at: formatInstant(now),
      feedDueAt: feed,
      dueAt: formatInstant(dueAt),
      workingMinutes: Math.round(deps.calendar.workingMinutesBetween(dueAt, feedDueAt)),
    },
  ]);
}
