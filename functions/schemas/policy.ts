import { z } from 'zod';
import { CHANNELS, NOTICE_KINDS, type NoticeKind } from '../core/notice-kinds.ts';
import { hhmm } from './calendar.ts';

/** The escalation policy file (data/policies/<id>.json): province defaults, per-procedure overrides. */
const share = z.number().gt(0, 'must be above 0').lt(1, 'must be below 1');

/** The channels of one notice kind: at least one, each once. */
const ChannelList = z
  .array(z.enum(CHANNELS))
  .min(1, 'a notice goes somewhere: name at least one channel')
  .refine((c) => new Set(c).size === c.length, { message: 'a channel is named once' });

/** Channels per notice kind (docs/law.md §6): a procedure may override some kinds, the rest are the province's. */
const channelShape = Object.fromEntries(NOTICE_KINDS.map((k) => [k, ChannelList])) as Record<
  NoticeKind,
  typeof ChannelList
>;
export const ChannelsSchema = z.object(channelShape).strict();

export const PolicySettingsSchema = z
  .object({
    /** Share of a step's budget consumed when its unit is warned; priority citizens get the second. */
    warningShare: share,
    priorityWarningShare: share,
    /**
     * docs/law.md §2: the apology goes out at least one working day before the due date. The head is told,
     * and the citizen's apology sent, from the opening of this many working days before the due day.
     */
    apologyLeadDays: z.number().int().min(1).max(5),
    /** Working days after the due instant for escalation rungs 1, 2 and 3. */
    escalationDays: z
      .tuple([z.number().int().min(0), z.number().int().min(0), z.number().int().min(0)])
      .refine(([a, b, c]) => a <= b && b <= c, {
        message: 'rungs must not come before the previous one',
      }),
    /** Local hours in which citizens may receive SMS [from, to) (docs/law.md §6). */
    citizenHours: z.tuple([hhmm, hhmm]).refine(([a, b]) => a < b, { message: 'must end after it starts' }),
    encoding: z.enum(['gsm7', 'ucs2']),
    citizenMaxParts: z.number().int().min(1).max(6),
    /** Local time of the daily digest to heads of units. */
    digestAt: hhmm,
    maxCheckpointSeconds: z
      .number()
      .int()
      .min(60)
      .max(20 * 86400),
    /**
     * Decisions are taken on events at least this old: integrations deliver late, and a notice must not
     * depend on whether an event came a few seconds before or after its checkpoint.
     */
    decisionDelaySeconds: z.number().int().min(0).max(3600),
    /**
     * The sender's brand (the registered sender ID's brand name): the first word of every body, as
     * carriers expect (docs/law.md §6).
     */
    brand: z.string().trim().min(1).max(20),
    /** Where each notice kind goes: `sms`, `topic` (e-mail and webhook subscribers), `digest` (the next morning digest). */
    channels: ChannelsSchema,
    /** SMS a head of unit receives in one working day at most, digests included; past it a notice goes to the next digest. */
    smsCapPerDay: z.number().int().min(1).max(100),
    /** Escalations of one rung to the same head within this many minutes go out as one SMS listing the codes (0: none). */
    batchMinutes: z.number().int().min(0).max(240),
    /**
     * A unit's morning digest is sent when it has something to act on (a notice folded into it, an overdue
     * dossier); with this, also when it only has dossiers coming due (one SMS per such unit and day).
     */
    digestWhenOnlyComingDue: z.boolean(),
  })
  .strict();

export const PolicyFileSchema = z
  .object({
    id: z.string().min(1),
    note: z.string().optional(),
    defaults: PolicySettingsSchema,
    /** How the sweeper treats a dossier whose execution keeps dying (province-wide). */
    operations: z
      .object({
        /** Restarts in a row that die before a wait, after which the dossier is quarantined with its reason. */
        maxRestarts: z.number().int().min(0).max(20),
        /**
         * An execution whose open steps all wait longer than this ends (parked) and is started again from the
         * store shortly before its next checkpoint (PARK_WAKE_LEAD_MS), or at once by an event of the dossier:
         * fewer open executions (a quota on AWS, memory locally) for a few more state transitions per wait.
         * null: never park. At least an hour, so that the sweeper's restart comes before the checkpoint.
         */
        parkAfterMinutes: z.number().int().min(60).max(100_000).nullable().default(null),
      })
      .strict()
      .default({ maxRestarts: 3, parkAfterMinutes: null }),
    /**
     * The provincial office (Văn phòng UBND tỉnh, docs/law.md §1): the last rung above a unit without a
     * parent, and the recipient of a notice that has no reachable recipient. Used once it is upserted.
     */
    provincialOfficeUnitId: z.string().min(1).optional(),
    procedures: z
      .record(z.string(), PolicySettingsSchema.extend({ channels: ChannelsSchema.partial() }).partial().strict())
      .default({}),
  })
  .strict();

export type PolicySettings = z.output<typeof PolicySettingsSchema>;
export type PolicyFile = z.output<typeof PolicyFileSchema>;
