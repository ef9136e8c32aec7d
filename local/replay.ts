import { dossierEvents } from '../functions/app/dossiers.ts';
import { presentSheet } from '../functions/app/sheet.ts';
import { controlSheet } from '../functions/core/control-sheet.ts';
import { foldDossier } from '../functions/core/dossier.ts';
import { DAY_MS, parseInstant } from '../functions/core/instant.ts';
import { DVCQG_SERVICES } from '../functions/schemas/dvcqg.ts';
import { type Finding, NOTICE_STATUSES, type NoticeStatus } from '../functions/schemas/records.ts';
import { type LocalStack, type LocalStackOptions, type ReplayStats, startLocalStack } from './stack.ts';

/**
 * `dunghan replay`: feed events in time order on the simulated clock (each applied at its `at`),
 * run every execution, checkpoint and notice until `until`, and report what happened. With the format
 * `dvcqg`, a line is a call of the national portal's feed (`{"at", "service", "body"}`) or an event.
 */

export interface ReplayInput {
  /**
   * One event per line (NDJSON); with `format: 'dvcqg'`, also feed calls. Read once, at the start: a
   * generator that lets go of each line it yields leaves the replay the only holder of the text, which it
   * drops as each line is delivered (a month of a province is hundreds of megabytes of lines).
   */
  lines: Iterable<string>;
  /** @default 'native' */
  format?: 'native' | 'dvcqg';
  until?: number;
  /**
   * When each event is delivered; default: at its `at`. Tests use it to deliver late, shuffled and
   * duplicated, as real integrations do.
   */
  deliverAt?: (event: { eventId: string | null; at: number | null; line: number }) => number;
  stack?: Omit<LocalStackOptions, 'simulatedStart'>;
  /** Called after each delivery (and once at the end) with the events delivered so far. */
  onProgress?: (delivered: number, total: number, simulatedNow: number) => void;
  /** Called at `until`, before the stack closes: to ask its API what it now holds (the report bench). */
  atEnd?: (stack: LocalStack) => Promise<void>;
}

export interface ReplayResult {
  dossiers: {
    dossierId: string;
    procedureCode: string;
    status: string;
    receivedAt: string;
    dueAt: string | null;
    /** The due instant without the reschedule (lateness is judged against it); null while paused. */
    statutoryDueAt: string | null;
    finishedAt: string | null;
    outcome: string | null;
    minutesLate: number | null;
    responsibleUnitId: string | null;
    /** Supplement requests applied (the portal counts more than one late: docs/law.md §5). */
    supplementRequests: number;
    steps: ReturnType<typeof presentSheet>['steps'];
  }[];
  notices: {
    noticeId: string;
    kind: string;
    rung: number | null;
    dossierId: string;
    unitId: string;
    /** The unit the notice is about (the late unit of an escalation sent to its superiors). */
    subjectUnitId: string;
    audience: string;
    to: string | null;
    /** When it was sent (or settled); `dueAt` is when the policy made it due, before any deferral. */
    at: string | null;
    dueAt: string;
    status: string;
    text: string | null;
    parts: number | null;
    reason: string | null;
    /** The channels it went through; the digest or the batch SMS that carried it. */
    channels: string[] | null;
    digestId: string | null;
    batchId: string | null;
    /** The carrier's delivery status, as SNS logged it (not proof of delivery). */
    delivery: { status: string; at: string; reason?: string } | null;
  }[];
  rejected: { eventId: string | null; reason: string }[];
  stats: ReplayStats;
  /** With the dvcqg format: what the feed found wrong (due.mismatch, unit.unmapped), by dossier. */
  findings?: Finding[];
}

interface Delivery {
  line: number;
  /** Emptied once delivered. */
  body: string;
  eventId: string | null;
  dossierId: string | null;
  at: number | null;
  deliverAt: number;
  /** The route: /events, or /dvcqg/<service> for a feed call. */
  path: string;
}

type FeedResults = {
  results?: { index: number; MaHoSo: string | null; result: string; field?: string; reason?: string }[];
};

export async function replay(input: ReplayInput): Promise<ReplayResult> {
  const rejected: ReplayResult['rejected'] = [];
  const deliveries: Delivery[] = [];
  let i = -1;
  for (const raw of input.lines) {
    i++;
    const body = raw.trim();
    if (!body) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      rejected.push({ eventId: null, reason: `line ${i + 1}: not JSON` });
      continue;
    }
    const p = (parsed ?? {}) as {
      eventId?: unknown;
      dossierId?: unknown;
      at?: unknown;
      service?: unknown;
      body?: unknown;
    };
    const eventId = typeof p.eventId === 'string' ? p.eventId : null;
    let at: number | null = null;
    try {
      at = typeof p.at === 'string' ? parseInstant(p.at) : null;
    } catch {
      at = null; // the intake names the field
    }
    if (input.format === 'dvcqg' && typeof p === 'object' && p !== null && 'service' in p) {
      const line = `line ${i + 1}`;
      if (!DVCQG_SERVICES.includes(p.service as (typeof DVCQG_SERVICES)[number]))
        rejected.push({ eventId: null, reason: `${line}: service: must be one of ${DVCQG_SERVICES.join(', ')}` });
      else if (at === null)
        rejected.push({ eventId: null, reason: `${line}: at: must be an ISO-8601 instant with an offset` });
      else {
        const path = `/dvcqg/${p.service as string}`;
        const call = JSON.stringify(p.body ?? null);
        deliveries.push({ line: i + 1, body: call, eventId: null, dossierId: null, at, deliverAt: 0, path });
      }
      continue;
    }
    const dossierId = typeof p.dossierId === 'string' ? p.dossierId : null;
    deliveries.push({ line: i + 1, body, eventId, dossierId, at, deliverAt: 0, path: '/events' });
  }
  // Loops, not Math.min(...xs): a month of a province is over a million events, past the call stack.
  let first = Infinity;
  let last = -Infinity;
  for (const d of deliveries) {
    if (d.at === null) continue;
    first = Math.min(first, d.at);
    last = Math.max(last, d.at);
  }
  if (first === Infinity) first = last = Date.now();
  let earliest = first;
  for (const d of deliveries) {
    d.deliverAt = input.deliverAt?.({ eventId: d.eventId, at: d.at, line: d.line }) ?? d.at ?? first;
    earliest = Math.min(earliest, d.deliverAt);
  }
  deliveries.sort((a, b) => a.deliverAt - b.deliverAt || a.line - b.line);
  const until = input.until ?? last + 30 * DAY_MS;

  const stack = await startLocalStack({ ...input.stack, simulatedStart: earliest - 1000 });
  const clock = stack.time!;
  const seenDossiers = new Set<string>();
  try {
    let delivered = 0;
    for (const d of deliveries) {
      if (d.deliverAt > until) break;
      await clock.advanceTo(d.deliverAt);
      input.onProgress?.(delivered++, deliveries.length, clock.now());
      const response = await stack.request('POST', d.path, d.body);
      d.body = '';
      const body = JSON.parse(response.body) as { field?: string; reason?: string } & FeedResults;
      if (d.path !== '/events' && response.statusCode < 400) {
        for (const r of body.results ?? []) {
          if (r.result === 'accepted' && r.MaHoSo !== null) seenDossiers.add(r.MaHoSo);
          else if (r.result === 'refused')
            rejected.push({
              eventId: null,
              reason: `line ${d.line}: ${d.path.slice(7)} item ${r.index}${r.MaHoSo ? ` (MaHoSo ${r.MaHoSo})` : ''}: ${r.field}: ${r.reason}`,
            });
        }
      } else if (response.statusCode >= 400) {
        const reason = body.field ? `${body.field}: ${body.reason}` : (body.reason ?? `HTTP ${response.statusCode}`);
        rejected.push({ eventId: d.eventId, reason: d.path === '/events' ? reason : `line ${d.line}: ${reason}` });
      } else if (d.dossierId !== null) seenDossiers.add(d.dossierId);
    }
    await clock.advanceTo(until);
    input.onProgress?.(deliveries.length, deliveries.length, clock.now());
    const now = clock.now();
    const { deps } = stack;

    const dossiers: ReplayResult['dossiers'] = [];
    for (const dossierId of [...seenDossiers].sort()) {
      const events = await dossierEvents(deps, dossierId);
      const state = foldDossier(deps.calendar, events);
      if (!state) {
        for (const e of events)
          rejected.push({ eventId: e.eventId, reason: `dossier ${dossierId} was never received` });
        continue;
      }
      for (const u of state.unapplied) rejected.push(u);
      const sheet = presentSheet(controlSheet(deps.calendar, state, now));
      dossiers.push({
        dossierId,
        procedureCode: sheet.procedureCode,
        status: sheet.status,
        receivedAt: sheet.receivedAt!,
        dueAt: sheet.dueAt,
        statutoryDueAt: sheet.statutoryDueAt,
        finishedAt: sheet.finishedAt,
        outcome: sheet.outcome,
        minutesLate: sheet.minutesLate,
        responsibleUnitId: sheet.responsibleUnitId,
        supplementRequests: state.supplementRequests,
        steps: sheet.steps,
      });
    }
    const statuses = NOTICE_STATUSES.filter((s): s is Exclude<NoticeStatus, 'sending'> => s !== 'sending');
    const notices: ReplayResult['notices'] = [];
    for (const status of statuses) {
      for (const n of await deps.store.notices.byStatus(status)) {
        notices.push({
          noticeId: n.noticeId,
          kind: n.kind,
          rung: n.rung,
          dossierId: n.dossierId,
          unitId: n.unitId,
          subjectUnitId: n.subjectUnitId,
          audience: n.audience,
          to: n.to ?? null,
          at: n.sentAt ?? null,
          dueAt: n.dueAt,
          status: n.status,
          text: n.text ?? null,
          parts: n.parts ?? null,
          reason: n.reason ?? null,
          channels: n.channels ?? null,
          digestId: n.digestId ?? null,
          batchId: n.batchId ?? null,
          delivery: n.delivery ?? null,
        });
      }
    }
    notices.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? '') || a.noticeId.localeCompare(b.noticeId));
    const stats = stack.stats();
    await input.atEnd?.(stack);
    if (input.format !== 'dvcqg') return { dossiers, notices, rejected, stats };
    const findings: Finding[] = [];
    for (const dossierId of [...seenDossiers].sort())
      findings.push(...((await deps.store.feed.get(dossierId))?.findings ?? []));
    return { dossiers, notices, rejected, stats, findings };
  } finally {
    await stack.close();
  }
}
