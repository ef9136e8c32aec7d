import { z } from 'zod';
import { hhmm } from './calendar.ts';

/** The escalation policy file (data/policies/<id>.json): province defaults, per-procedure overrides. */
const share = z.number().gt(0, 'must be above 0').lt(1, 'must be below 1');

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
      })
      .strict()
      .default({ maxRestarts: 3 }),
    procedures: z.record(z.string(), PolicySettingsSchema.partial().strict()).default({}),
  })
  .strict();

export type PolicySettings = z.output<typeof PolicySettingsSchema>;
export type PolicyFile = z.output<typeof PolicyFileSchema>;
