import type { DvcqgSnapshot, DvcqgStatus } from '../schemas/dvcqg.ts';
import type { FeedState } from '../schemas/records.ts';
import { emptyFeedState, feedEventId, latestCarried, unchangedBy } from './feed-state.ts';
import { formatInstant, type Instant } from './instant.ts';

/**
 * The national portal's feed turned into dunghan's events (docs/law.md §7). A snapshot says where a
 * dossier stands, not what happened: each one is compared with what dunghan last saw of the dossier
 * (its FeedState), and the difference becomes events with deterministic ids (dossier, transition,
 * instant), so that the same feed read twice gives the same events. Pure: no store, no clock.
 */

/** The path and limit a first receipt gets, planned by the application (catalogue, units). */
export interface ReceiptPlan {
  procedureCode: string;
  procedureName: string;
  limit: string;
  supplementMode?: 'pause' | 'restart';
  receivingUnitId: string;
  path: { stepId: string; unitId: string; budget: string }[][];
  /** False: the procedure is not in the catalogue; its limit came from NgayHenTra. */
  catalogued: boolean;
  /** The feed field the limit came from, named when the limit is refused. */
  limitField: string;
}

export interface FeedRules {
  /** The statuses that pause the clock: 5 (supplement requested), and 6 (financial obligation) when configured. */
  pauseStatuses: readonly DvcqgStatus[];
}

/** An event to ingest, with the feed field its instant came from (named when the event is refused). */
export interface DerivedEvent {
  event: Record<string, unknown>;
  field: string;
}

export type SnapshotDerivation =
  | { kind: 'applied'; state: FeedState; events: DerivedEvent[]; notes: string[] }
  | { kind: 'unchanged'; note: string }
  | { kind: 'refused'; field: string; reason: string };

const SNAPSHOT_TIME = '(snapshot time)';

/** docs/law.md §1: refusal (Form 03), stop (Form 05) and withdrawal keep the feed's status as their reason. */
const CLOSE_REASONS = {
  rejected: 'Từ chối giải quyết hồ sơ (TrangThaiHoSo 3 của cổng DVCQG)',
  withdrawn: 'Rút hồ sơ theo đề nghị của người nộp (TrangThaiHoSo 7 của cổng DVCQG)',
  returned: 'Dừng xử lý hồ sơ (TrangThaiHoSo 8 của cổng DVCQG)',
} as const;

type Close = { kind: 'resolved' | 'rejected' | 'withdrawn' | 'returned'; at: Instant; field: string };

/** The end a status states, if any; a 9 without NgayKetThucXuLy proves no end (docs/law.md §7). */
function closeOf(s: DvcqgSnapshot, now: Instant): Close | { refused: string; reason: string } | null {
  const first = (...c: [Instant | null, string][]): [Instant, string] => {
    for (const [t, field] of c) if (t !== null) return [t, field];
    return [now, SNAPSHOT_TIME];
  };
  switch (s.status) {
    case '9':
      return s.endedAt === null ? null : { kind: 'resolved', at: s.endedAt, field: 'NgayKetThucXuLy' };
    case '10': {
      if (s.endedAt === null && s.returnedAt === null)
        return { refused: 'NgayTra', reason: 'is required with TrangThaiHoSo 10 when NgayKetThucXuLy is absent' };
      const [at, field] = first([s.endedAt, 'NgayKetThucXuLy'], [s.returnedAt, 'NgayTra']);
      return { kind: 'resolved', at, field };
    }
    case '3': {
      const [at, field] = first([s.refusedAt, 'NgayTuChoi'], [s.endedAt, 'NgayKetThucXuLy']);
      return { kind: 'rejected', at, field };
    }
    case '7': {
      const [at, field] = first([s.endedAt, 'NgayKetThucXuLy']);
      return { kind: 'withdrawn', at, field };
    }
    case '8': {
      const [at, field] = first([s.endedAt, 'NgayKetThucXuLy']);
      return { kind: 'returned', at, field };
    }
    default:
      return null;
  }
}

/**
 * What a snapshot changes: the receipt (first status 2 or more, at NgayTiepNhan), a supplement pause
 * (status 5, and 6 when configured: at the newest round's NgayBoSung, else NgayYeuCauBoSung, else the
 * snapshot's time) and its end (leaving it: at NgayTiepNhanBoSung, else the snapshot's time), and the
 * end of processing (9 at NgayKetThucXuLy; 10 without 9 at NgayKetThucXuLy or NgayTra; 3, 7, 8).
 */
export function deriveSnapshot(
  prev: FeedState | null,
  s: DvcqgSnapshot,
  input: { digest: string; raw: string; now: Instant; rules: FeedRules; plan: ReceiptPlan | null },
): SnapshotDerivation {
  const unchanged = unchangedBy(prev, s, input.digest);
  if (unchanged) return { kind: 'unchanged', note: unchanged };
  const { now } = input;
  const st: FeedState = structuredClone(prev ?? emptyFeedState(s.dossierId));
  const events: DerivedEvent[] = [];
  const notes: string[] = [];
  const latest = latestCarried(s);
  const prevLatest = st.snapshot?.latestAt ?? null;
  st.snapshot = {
    latestAt: prevLatest === null ? latest : latest === null ? prevLatest : Math.max(latest, prevLatest),
    digest: input.digest,
    status: s.status,
    appointmentAt: s.appointmentAt,
    at: now,
    raw: input.raw,
  };
  const emit = (type: string, transition: string, at: Instant, field: string, extra: Record<string, unknown> = {}) =>
    events.push({
      event: {
        eventId: feedEventId(s.dossierId, transition, at),
        type,
        at: formatInstant(at),
        dossierId: s.dossierId,
        ...extra,
      },
      field,
    });
  const applied = (): SnapshotDerivation => ({ kind: 'applied', state: st, events, notes });

  if (!st.receipt) {
    if (s.status === '1') {
      notes.push('registered online, not yet received (TrangThaiHoSo 1): no clock runs yet');
      return applied();
    }
    if (s.receivedAt === null)
      return {
        kind: 'refused',
        field: 'NgayTiepNhan',
        reason: 'is required once the dossier is received (TrangThaiHoSo 2 or later)',
      };
    const plan = input.plan;
    if (!plan) throw new Error(`a receipt of dossier ${s.dossierId} needs its plan`);
    const applicant = {
      ...(s.applicantName ? { name: s.applicantName } : {}),
      ...(s.applicantPhone ? { phone: s.applicantPhone } : {}),
    };
    emit('dossier.received', 'received', s.receivedAt, 'NgayTiepNhan', {
      procedureCode: plan.procedureCode,
      procedureName: plan.procedureName,
      limit: plan.limit,
      ...(plan.supplementMode ? { supplementMode: plan.supplementMode } : {}),
      applicant,
      path: plan.path,
      receivingUnitId: plan.receivingUnitId,
    });
    st.receipt = {
      eventId: events[0]!.event.eventId as string,
      at: s.receivedAt,
      receivingUnitId: plan.receivingUnitId,
      catalogued: plan.catalogued,
      steps: plan.path.flatMap((stage, i) => stage.map((x) => ({ stepId: x.stepId, unitId: x.unitId, stage: i }))),
    };
  } else if (s.status === '1') {
    notes.push('TrangThaiHoSo 1 after the receipt: ignored');
    return applied();
  }
  if (st.closed) {
    notes.push(`the dossier is already ${st.closed.status}: later statuses change nothing`);
    return applied();
  }
  const receivedAt = st.receipt.at;
  const close = closeOf(s, now);
  if (close && 'refused' in close) return { kind: 'refused', field: close.refused, reason: close.reason };
  if (close && close.at < receivedAt) {
    if (close.field !== SNAPSHOT_TIME)
      return { kind: 'refused', field: close.field, reason: `is before NgayTiepNhan (${formatInstant(receivedAt)})` };
    close.at = receivedAt;
  }

  // Supplement rounds, oldest first: those after the receipt and not yet applied.
  const rounds = s.rounds
    .map((r, i) => ({ ...r, i }))
    .filter((r): r is typeof r & { requestedAt: Instant } => r.requestedAt !== null && r.requestedAt >= receivedAt)
    .sort((a, b) => a.requestedAt - b.requestedAt || a.i - b.i);
  const fresh = () => rounds.filter((r) => r.requestedAt > (st.roundsUntil ?? -Infinity));
  const askedAt = s.supplementAskedAt;
  const askedIsNew = askedAt !== null && askedAt >= receivedAt && askedAt > (st.roundsUntil ?? -Infinity);
  // docs/law.md §7: one system rewrites 5, 6 and 8 to 9; a 9 without an end but with a new request is a pause.
  const rewritten = s.status === '9' && s.endedAt === null && askedIsNew;
  if (s.status === '9' && s.endedAt === null && !rewritten)
    notes.push('TrangThaiHoSo 9 without NgayKetThucXuLy proves no end of processing (docs/law.md §7): still open');
  const pausedNow = input.rules.pauseStatuses.includes(s.status) || rewritten;
  const roundField = (r: { i: number }, f: string) => `DanhSachHoSoBoSung.${r.i}.${f}`;
  const consume = (until: Instant) => {
    st.roundsUntil = Math.max(st.roundsUntil ?? -Infinity, until);
  };
  // Rounds asked and answered between two snapshots (never seen paused): a pause and its end each.
  const completedRounds = (before: Instant) => {
    let after = -Infinity;
    for (const r of fresh()) {
      if (r.requestedAt >= before || r.receivedAt === null || r.receivedAt < r.requestedAt || r.requestedAt < after)
        continue;
      const back = Math.min(r.receivedAt, close?.at ?? Infinity);
      emit('supplement.requested', 'supplement-requested', r.requestedAt, roundField(r, 'NgayBoSung'));
      emit('supplement.received', 'supplement-received', back, roundField(r, 'NgayTiepNhanBoSung'));
      after = back;
      consume(r.requestedAt);
    }
  };

  if (st.pausedAt === null && pausedNow) {
    const open = [...fresh()].reverse().find((r) => r.receivedAt === null) ?? fresh().at(-1);
    const [at, field] = open
      ? [open.requestedAt, roundField(open, 'NgayBoSung')]
      : askedIsNew
        ? [askedAt, 'NgayYeuCauBoSung']
        : [Math.max(now, receivedAt), SNAPSHOT_TIME];
    completedRounds(at);
    emit('supplement.requested', 'supplement-requested', at, field);
    st.pausedAt = at;
    consume(at);
  } else if (st.pausedAt !== null && !pausedNow && (!close || close.kind === 'resolved')) {
    const pausedAt = st.pausedAt;
    const answer = rounds.filter((r) => r.receivedAt !== null && r.receivedAt >= pausedAt).at(-1);
    let [at, field] = answer?.receivedAt
      ? [answer.receivedAt, roundField(answer, 'NgayTiepNhanBoSung')]
      : [Math.max(now, pausedAt), SNAPSHOT_TIME];
    if (close && close.at < at) [at, field] = [Math.max(close.at, pausedAt), close.field];
    emit('supplement.received', 'supplement-received', at, field);
    st.pausedAt = null;
    if (answer) consume(answer.requestedAt);
  } else if (st.pausedAt === null) {
    completedRounds(close?.at ?? Infinity);
  }

  if (close) {
    if (close.kind === 'resolved') {
      // The end of processing ends every step still open with it (docs/law.md §5: NgayKetThucXuLy).
      for (const step of st.receipt.steps) {
        if (st.completed[step.stepId] !== undefined) continue;
        emit('step.completed', `${step.stepId}:completed`, close.at, close.field, { stepId: step.stepId });
        st.completed[step.stepId] = close.at;
      }
      emit('dossier.resolved', 'resolved', close.at, close.field);
    } else {
      emit(`dossier.${close.kind}`, close.kind, close.at, close.field, { reason: CLOSE_REASONS[close.kind] });
    }
    st.closed = { status: close.kind, at: close.at };
  }
  return applied();
}
