import type { WorkingCalendar } from '../core/calendar.ts';
import type { Instant } from '../core/instant.ts';
import type { Audience, NoticeKind } from '../core/policy.ts';
import type { Catalogue } from '../schemas/catalogue.ts';
import type { FeedSettings } from '../schemas/feed-settings.ts';
import type { PolicyFile } from '../schemas/policy.ts';
import type {
  DossierMeta,
  DossierOutcome,
  DossierSnapshot,
  FeedState,
  NoticeDelivery,
  NoticeRecord,
  NoticeSettlement,
  NoticeStatus,
  PutEventResult,
  Quarantine,
  ReceivedDossier,
  StoredEvent,
  Unit,
} from '../schemas/records.ts';

/**
 * The ports of the application: what the services need from the outside, declared here by the layer
 * that needs them. Adapters implement them (DynamoDB, Step Functions, SNS on AWS; dynalite, the local
 * engine and the outbox on the embedded stack); the composition roots wire them (functions/main/ for
 * AWS, local/stack.ts for the embedded stack).
 */

/** Events, written once by id (a duplicate or a conflict is answered, never overwritten). */
export interface EventStore {
  put(partition: { dossierId: string } | { unitId: string }, event: StoredEvent): Promise<PutEventResult>;
  ofDossier(dossierId: string): Promise<StoredEvent[]>;
  /** The events and the notices of a dossier, in one read of its partition. */
  ofDossierWithNotices(dossierId: string): Promise<{ events: StoredEvent[]; notices: NoticeRecord[] }>;
}

/** Dossier snapshots, with the workflow's task tokens and the watch of its execution. */
/** What saving a snapshot tells the intake: the registered tokens, the attempt, and whether it ended parked. */
export interface SavedSnapshot {
  saved: boolean;
  tokens: Record<string, string>;
  attempt: number;
  /** The current attempt's execution ended parked: the next event starts the next attempt. */
  parked: boolean;
}

/** The writes that follow a dossier's execution: its waits' tokens, its watch, restarts, parking, quarantine. */
export interface DossierWatch {
  /** Registers a step's task token only while the step is open: the META after it, null when the step is closed. */
  registerToken(
    dossierId: string,
    stepId: string,
    token: string,
    watch?: { at: string; now: string },
  ): Promise<DossierMeta | null>;
  /**
   * Puts the execution under watch as `attempt` (from `fromAttempt`); false when another writer was first.
   * A restart counts as a failed one until the new execution reaches a wait, unless `countFailure` is false
   * (a process that starts again: its executions died with it, not of the dossier; a parked one woken).
   */
  watchExecution(
    dossierId: string,
    watch: { attempt: number; fromAttempt: number | null; watchAt: string; countFailure?: boolean },
  ): Promise<boolean>;
  extendWatch(dossierId: string, attempt: number, watchAt: string): Promise<boolean>;
  expectCallBy(dossierId: string, watchAt: string): Promise<boolean>;
  /** Takes the dossier of attempt `attempt` off the watch with its reason; false when the attempt moved. */
  quarantine(dossierId: string, attempt: number, quarantine: Quarantine): Promise<boolean>;
  /** Takes these tokens (step -> token) off their waits at once, only if each is still registered. */
  parkWaits(dossierId: string, tokens: Record<string, string>): Promise<boolean>;
  /** Records that `attempt` ends parked until `until`, watched from `watchAt`; false when an event came after `version`. */
  park(dossierId: string, p: { attempt: number; version: number; until: string; watchAt: string }): Promise<boolean>;
}

export interface DossierStore extends DossierWatch {
  get(dossierId: string): Promise<DossierMeta | null>;
  /** Writes a snapshot unless a newer one is there; returns the registered tokens, attempt and parking either way. */
  save(snapshot: DossierSnapshot): Promise<SavedSnapshot>;
  recordOutcome(dossierId: string, outcome: DossierOutcome): Promise<void>;
  watchedBefore(beforeIso: string): Promise<DossierMeta[]>;
  openOverdue(beforeIso: string): Promise<DossierMeta[]>;
  openOverdueSince(fromIso: string, beforeIso: string): Promise<DossierMeta[]>;
  /** A page of the open dossiers a unit holds, by due instant within the range (paused ones, no due, last). */
  heldBy(unitId: string, range: DueRange, page: PageRequest): Promise<Page<DossierMeta>>;
  /** The facts of the dossiers received in [fromIso, toIso) (ISO instants at +07:00). */
  receivedBetween(fromIso: string, toIso: string): Promise<ReceivedDossier[]>;
}

/** Due instants (ISO at +07:00): from `from` (inclusive), before `before`; either open. */
export interface DueRange {
  from?: string;
  before?: string;
}

export interface PageRequest {
  limit: number;
  /** The cursor of the previous page, as this store gave it. */
  cursor?: string;
  /** Latest due first. */
  newestFirst: boolean;
}

export interface Page<T> {
  items: T[];
  /** null on the last page. */
  cursor: string | null;
}

/** Notices: written once (deterministic ids), claimed before sending, settled once. */
export interface NoticeStore {
  put(notice: NoticeRecord): Promise<boolean>;
  get(dossierId: string, noticeId: string): Promise<NoticeRecord | null>;
  ofDossier(dossierId: string): Promise<NoticeRecord[]>;
  settle(dossierId: string, noticeId: string, result: NoticeSettlement, claimId?: string): Promise<boolean>;
  claim(
    dossierId: string,
    noticeId: string,
    claim: { claimId: string; at: string; staleBefore?: string },
  ): Promise<boolean>;
  release(dossierId: string, noticeId: string, claimId: string): Promise<boolean>;
  byStatus(status: Exclude<NoticeStatus, 'sending'>, sendAfterBefore?: string): Promise<NoticeRecord[]>;
  /** The notices folded into the digests of a day (YYYY-MM-DD). */
  foldedInto(day: string): Promise<NoticeRecord[]>;
  /** Adds a member to a batch while it is pending (writing the batch first if new); 'closed' once claimed. */
  join(batch: NoticeRecord, member: string): Promise<'joined' | 'closed'>;
  /** The morning digest of a day ran to its end (the sweeper runs a day's digest again until it has). */
  markDigestRun(day: string, at: string): Promise<void>;
  digestRan(day: string): Promise<boolean>;
  byMessage(messageId: string): Promise<{ dossierId: string; noticeId: string } | null>;
  recordDelivery(dossierId: string, noticeId: string, delivery: NoticeDelivery): Promise<boolean>;
  /** Takes one of a head's SMS of a day (idempotent per notice); false past `cap`; `cap` null: always. */
  takeSmsSlot(unitId: string, day: string, noticeId: string, cap: number | null): Promise<boolean>;
  /** The notices of [fromIso, toIso) that reached their recipient: sent, batched, folded into a digest. */
  reachedBetween(fromIso: string, toIso: string): Promise<NoticeRecord[]>;
  /** Records an escalation's acknowledgement once; false when it is no escalation or was acknowledged. */
  acknowledge(dossierId: string, noticeId: string, ack: NonNullable<NoticeRecord['acknowledgement']>): Promise<boolean>;
}

/** Units of the province (heads and parents), written by their latest upsert. */
export interface UnitStore {
  upsert(unit: Unit): Promise<boolean>;
  get(unitId: string): Promise<Unit | null>;
  /** Every unit (the feed finds units by name; the reports build the unit tree). */
  list(): Promise<Unit[]>;
}

/** What the national portal's feed last saw of each dossier (docs/law.md §7). */
export interface FeedStore {
  get(dossierId: string): Promise<FeedState | null>;
  /** Writes the state if the stored one still has `state.revision - 1` (none for revision 1); false if another writer was first. */
  save(state: FeedState): Promise<boolean>;
}

export interface Store {
  events: EventStore;
  dossiers: DossierStore;
  notices: NoticeStore;
  units: UnitStore;
  feed: FeedStore;
}

/** Answers to a step's wait (`.waitForTaskToken`). 'gone': the wait already ended (timed out, finished). */
export interface TaskCallbacks {
  succeed(token: string, output: Record<string, unknown>): Promise<'ok' | 'gone'>;
  fail(token: string, error: string, cause: string): Promise<'ok' | 'gone'>;
}

/** 'running', 'ended' (succeeded, failed, timed out or aborted) or 'missing' (never started). */
export type ExecutionStatus = 'running' | 'ended' | 'missing';

/** The executions of a dossier, one attempt at a time (see executionName). */
export interface Executions {
  start(dossierId: string, attempt?: number): Promise<'started' | 'exists'>;
  status(dossierId: string, attempt: number): Promise<ExecutionStatus>;
}

/** A notice's text on its way to a phone number (SNS on AWS, the outbox locally). */
export interface OutgoingMessage {
  noticeId: string;
  dossierId: string;
  kind: NoticeKind;
  audience: Audience;
  /** The unit whose head receives it, or on whose behalf a citizen notice is sent. */
  unitId: string;
  rung: number | null;
  /** E.164. */
  phone: string;
  text: string;
  at: string;
}

export interface DeliveryResult {
  status: 'sent' | 'failed' | 'undeliverable';
  reason?: string;
  /** The provider's id of the message (SNS MessageId), matched later to its delivery status. */
  messageId?: string;
}

/** A notice's copy for the escalation topic: ids and the text, never a phone number. */
export type TopicMessage = Omit<OutgoingMessage, 'phone'>;

export interface Notifier {
  /** An SMS to a phone number. */
  deliver(message: OutgoingMessage): Promise<DeliveryResult>;
  /** The escalation topic (e-mail and webhook subscribers with filter attributes). */
  publish(message: TopicMessage): Promise<DeliveryResult>;
}

/** Structured logs (Powertools' Logger on both runtimes). Ids only: never names or phone numbers. */
export interface Logger {
  debug(message: string, ...attributes: Record<string, unknown>[]): void;
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** What the application services need; built once per process by a composition root. */
export interface Deps {
  store: Store;
  callbacks: TaskCallbacks;
  executions: Executions;
  notifier: Notifier;
  calendar: WorkingCalendar;
  catalogue: Catalogue;
  policy: PolicyFile;
  /** The province's settings for the national portal's feed. */
  feed: FeedSettings;
  /** The clock: real time on AWS, real or simulated time locally. */
  now(): Instant;
  logger: Logger;
  /** Units read recently (heads and parents change rarely): see cachedUnit. */
  unitCache: Map<string, { unit: Unit | null; until: Instant }>;
  /** Every unit, read recently (the feed's name lookups); emptied when a unit is upserted. */
  unitList: { units: Unit[]; until: Instant } | null;
  /**
   * How long a unit read (unitCache, unitList) is reused. Where other processes write units (Lambda),
   * a bound (UNIT_CACHE_MS); where this process holds the store and forgets its reads at every unit
   * write (the embedded stack), Infinity.
   */
  unitCacheMs: number;
}
