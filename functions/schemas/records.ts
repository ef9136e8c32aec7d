import { z } from 'zod';
import { DOSSIER_STATUSES, OUTCOMES } from '../core/dossier.ts';
import { AUDIENCES, CHANNELS, NOTICE_KINDS } from '../core/notice-kinds.ts';
import { EVENT_TYPES } from './events.ts';

/**
 * The shapes of the records dunghan keeps in its store, as zod schemas typed by the core's unions.
 * The store adapter parses every item it reads with them: a record that does not match is corrupt
 * data, reported as such, never cast into a type it does not have.
 */

const Iso = z.string().min(1);

export const StoredEventSchema = z.object({
  eventId: z.string().min(1),
  type: z.enum(EVENT_TYPES),
  /** Epoch ms of the event's `at`. */
  at: z.number(),
  /** The validated event as JSON (for dossier.received, with its resolved path). */
  body: z.string(),
});
export type StoredEvent = z.output<typeof StoredEventSchema>;

export type PutEventResult = 'created' | 'duplicate' | 'conflict';

export const UnitRecordSchema = z.object({
  unitId: z.string().min(1),
  name: z.string(),
  parentUnitId: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  head: z.object({ name: z.string(), phone: z.string() }),
  /** `at` of the unit.upserted event that wrote this version. */
  updatedAt: z.number(),
});
export type Unit = z.output<typeof UnitRecordSchema>;

export const OutcomeRecordSchema = z.object({
  outcome: z.enum(OUTCOMES).nullable(),
  minutesLate: z.number().nullable(),
  responsibleUnitId: z.string().nullable(),
  finalizedAt: Iso,
});

/**
 * What the reports and lists read of a dossier without folding it (functions/core/report.ts): kept on its snapshot at
 * every intake. Instants are ISO at +07:00.
 */
export const DossierFactsSchema = z.object({
  procedureCode: z.string(),
  procedureName: z.string(),
  /** The unit that received it: the first step of its path. */
  receivedBy: z.string(),
  receivedAt: Iso,
  statutoryDueAt: Iso.nullable(),
  finishedAt: Iso.nullable(),
  supplementRequests: z.number().int(),
  responsibleUnitId: z.string().nullable(),
  /** The unit whose officer issued the reschedule (an applied apology.issued not recorded by dunghan), if any. */
  apologyUnitId: z.string().nullable(),
});
export type DossierFacts = z.output<typeof DossierFactsSchema>;

/** A dossier as the report reads it from the listing of receipts: its id and its facts. */
export const ReceivedDossierSchema = z.object({ dossierId: z.string().min(1), facts: DossierFactsSchema });
export type ReceivedDossier = z.output<typeof ReceivedDossierSchema>;

export const DossierSnapshotSchema = z.object({
  dossierId: z.string().min(1),
  /** Number of distinct events folded: a fold of more events is newer. */
  version: z.number().int(),
  status: z.enum(DOSSIER_STATUSES),
  open: z.boolean(),
  dueAt: Iso.nullable(),
  holderUnitId: z.string().nullable(),
  closedSteps: z.array(z.string()),
  /** Absent on snapshots written before the reports existed. */
  facts: DossierFactsSchema.optional(),
  /** The receipt's instant (ISO): the intake refuses an event of the dossier dated before it. */
  receivedAt: Iso.optional(),
});
export type DossierSnapshot = z.output<typeof DossierSnapshotSchema>;

export const DossierMetaSchema = DossierSnapshotSchema.extend({
  tokens: z.record(z.string(), z.string()),
  /** The dossier's execution attempt (1 = the execution named by the dossier id). */
  attempt: z.number().int().min(1),
  /** Restarts in a row whose execution died before it reached a wait (registering one resets it). */
  failedRestarts: z.number().int().min(0),
  /** While the execution is watched: the instant by which a live execution calls again (ISO). */
  watchAt: Iso.optional(),
  /** Per step, the instant by which its current wait calls again (ISO). */
  waits: z.record(z.string(), Iso),
  outcome: OutcomeRecordSchema.optional(),
  /**
   * The attempt whose execution ended parked (every open step waited long), and the instant of its next
   * checkpoint: the sweeper starts the next attempt shortly before it (watchAt), an event of the dossier at once.
   */
  parkedAttempt: z.number().int().min(1).optional(),
  parkedUntil: Iso.optional(),
  /** Set by the sweeper when the execution kept dying: the dossier is no longer restarted. */
  quarantine: z.object({ reason: z.string(), at: Iso, attempts: z.number().int() }).optional(),
});
export type DossierMeta = z.output<typeof DossierMetaSchema>;
export type DossierOutcome = z.output<typeof OutcomeRecordSchema>;
export type Quarantine = NonNullable<DossierMeta['quarantine']>;

/**
 * 'sending': claimed by one sender (claimId) between its claim and its settle. 'folded': gone into the
 * recipient's next morning digest (`digestId`), by its channels or past the daily SMS cap; 'batched':
 * gone out inside one SMS with the other escalations of its rung to the same head (`batchId`).
 */
export const NOTICE_STATUSES = [
  'pending',
  'sending',
  'sent',
  'undeliverable',
  'failed',
  'cancelled',
  'folded',
  'batched',
] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];
export type SettledStatus = Exclude<NoticeStatus, 'pending' | 'sending'>;

export const NoticeRecordSchema = z.object({
  noticeId: z.string().min(1),
  /** The dossier, or `DIGEST-<date>` for a daily digest. */
  dossierId: z.string().min(1),
  kind: z.enum(NOTICE_KINDS),
  rung: z.number().int().nullable(),
  stepId: z.string().nullable(),
  unitId: z.string().min(1),
  subjectUnitId: z.string().min(1),
  audience: z.enum(AUDIENCES),
  /** When the policy made it due, and the first instant it may be sent (ISO at +07:00). */
  dueAt: Iso,
  sendAfter: Iso,
  version: z.number().int(),
  createdAt: Iso,
  status: z.enum(NOTICE_STATUSES),
  sentAt: Iso.optional(),
  to: z.string().optional(),
  text: z.string().optional(),
  parts: z.number().int().optional(),
  encoding: z.string().optional(),
  reason: z.string().optional(),
  claimId: z.string().optional(),
  claimedAt: Iso.optional(),
  /** The channels it went through (sms, topic, digest), as settled. */
  channels: z.array(z.enum(CHANNELS)).optional(),
  /** The digest it was folded into, or the batch SMS it went out in. */
  digestId: z.string().optional(),
  batchId: z.string().optional(),
  /** A batch or a digest: the notices it carries (`<dossierId>|<noticeId>`). */
  members: z
    .union([z.set(z.string()), z.array(z.string())])
    .transform((m) => [...m].sort())
    .optional(),
  /** The provider's id of the SMS (SNS MessageId), to match its delivery status. */
  messageId: z.string().optional(),
  /**
   * The carrier's delivery status as SNS logged it: a receipt, not proof (docs/law.md §6); nothing is
   * resent on silence or on failure.
   */
  delivery: z.object({ status: z.enum(['delivered', 'failed']), at: Iso, reason: z.string().optional() }).optional(),
  /** A head's acknowledgement of an escalation: shown to the levels above; the ladder goes on. */
  acknowledgement: z.object({ unitId: z.string(), userId: z.string(), at: Iso }).optional(),
});
export type NoticeRecord = z.output<typeof NoticeRecordSchema>;
export type NoticeDelivery = NonNullable<NoticeRecord['delivery']>;

/** What a send attempt settles a notice with. */
export interface NoticeSettlement {
  status: SettledStatus;
  at: string;
  to?: string;
  text?: string;
  parts?: number;
  encoding?: string;
  reason?: string;
  channels?: NoticeRecord['channels'];
  messageId?: string;
  batchId?: string;
  /** Folded into this digest: listed by the digest of `unitId` on `day` (YYYY-MM-DD). */
  digest?: { id: string; day: string; unitId: string };
}

/**
 * What the national portal's feed (docs/law.md §7) found wrong about a dossier: the feed's appointment
 * differs from the due the law gives (`due.mismatch`), or it names a unit dunghan does not know
 * (`unit.unmapped`, with the unit the dossier was attributed to instead). Shown, never acted on.
 */
export const FindingSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('due.mismatch'),
    findingId: z.string().min(1),
    dossierId: z.string().min(1),
    /** When the snapshot that stated this appointment arrived. */
    at: Iso,
    /** NgayHenTra as the feed states it, and the statutory due dunghan computes (and enforces). */
    feedDueAt: Iso,
    dueAt: Iso,
    /** Working minutes from dunghan's due to the feed's: negative when the feed's is earlier. */
    workingMinutes: z.number(),
  }),
  z.object({
    kind: z.literal('unit.unmapped'),
    findingId: z.string().min(1),
    dossierId: z.string().min(1),
    at: Iso,
    /** The feed field that named it (DonViXuLy, madonvi, PhongBanXuLy) and the name as sent. */
    field: z.string().min(1),
    name: z.string(),
    /** The unit the dossier (or the row) was attributed to instead; null when none is known. */
    attributedTo: z.string().nullable(),
    reason: z.string(),
  }),
]);
export type Finding = z.output<typeof FindingSchema>;

const Epoch = z.number();

/** The feed's record of a dossier: what dunghan last saw of it, and what it derived from it. */
export const FeedStateSchema = z.object({
  dossierId: z.string().min(1),
  /** Incremented at every write: a write is conditional on the revision it read. */
  revision: z.number().int().min(0),
  /** The last snapshot applied: the latest event instant it carried orders snapshots. */
  snapshot: z
    .object({
      latestAt: Epoch.nullable(),
      digest: z.string(),
      status: z.string(),
      appointmentAt: Epoch.nullable(),
      at: Epoch,
      /** The item as sent, unknown fields included: ignored is not lost. */
      raw: z.string(),
    })
    .nullable(),
  /** The dossier.received derived from the first snapshot with a status of 2 or more. */
  receipt: z
    .object({
      eventId: z.string(),
      at: Epoch,
      receivingUnitId: z.string(),
      catalogued: z.boolean(),
      steps: z.array(z.object({ stepId: z.string(), unitId: z.string(), stage: z.number().int() })),
    })
    .nullable(),
  /** The open supplement pause (requested at), and the instant up to which supplement rounds are applied. */
  pausedAt: Epoch.nullable(),
  roundsUntil: Epoch.nullable(),
  /** The end derived (resolved, rejected, withdrawn, returned): later statuses change nothing. */
  closed: z.object({ status: z.string(), at: Epoch }).nullable(),
  /** Who held the dossier from when (progress rows), and the step each hold took. */
  holds: z.array(z.object({ unitId: z.string(), from: Epoch, lastAt: Epoch, stepId: z.string().nullable() })),
  /** Steps whose completion was derived, and when. */
  completed: z.record(z.string(), Epoch),
  /** Progress rows seen, by a key of their content (a row twice counts once); applied once the dossier is received. */
  rows: z.array(
    z.object({
      key: z.string(),
      unitName: z.string().nullable(),
      from: Epoch,
      at: Epoch,
      applied: z.boolean(),
      raw: z.string(),
    }),
  ),
  findings: z.array(FindingSchema),
});
export type FeedState = z.output<typeof FeedStateSchema>;
