import { z } from 'zod';
import { InvalidLimitError, parseLimit } from '../core/clock.ts';
import { InvalidInstantError, parseInstant } from '../core/instant.ts';
import { isPhoneNumber } from '../core/phone.ts';

/**
 * The event contract: what iGate and the national portal push into dunghan (POST /events).
 * Closed schemas: an unknown field is an error, so that a typo never silently loses data.
 */

const NO_CONTROL_CHARS = /^[^\p{Cc}\p{Cf}\p{Co}\p{Cs}]*$/u;

/** Identifiers: ASCII, no spaces, bounded; they appear in keys, execution names and logs. */
export const IdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(80, 'must be at most 80 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'must be letters, digits and . _ - only (it names the Step Functions execution)',
  );

/** Event ids: ASCII, bounded; UUIDs and "source:sequence" forms fit. */
export const EventIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:+#-]*$/, 'must be letters, digits and . _ : + # - only');

export const Text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(NO_CONTROL_CHARS, 'must not contain control characters');

/** A string parsed by one of the core's parsers; its own error message becomes the field's reason. */
export const parsedBy = <T>(parse: (s: string) => T, Invalid: new (...args: never[]) => Error, tooLong: string) =>
  z
    .string()
    .max(40, tooLong)
    .transform((s, ctx) => {
      try {
        return parse(s);
      } catch (err) {
        if (!(err instanceof Invalid)) throw err;
        ctx.addIssue({ code: 'custom', message: err.message });
        return z.NEVER;
      }
    });

export const InstantSchema = parsedBy(parseInstant, InvalidInstantError, 'must be an ISO-8601 instant');
export const LimitSchema = parsedBy(parseLimit, InvalidLimitError, 'must be "<N> working days" or "<N> working hours"');

export const PhoneSchema = z
  .string()
  .min(3, 'must be a phone number')
  .max(20, 'must be a phone number')
  .regex(/^\+?[0-9][0-9 .-]*$/, 'must be a phone number (digits, optional +, spaces, dots or dashes)')
  // docs/law.md §6: libphonenumber's metadata decides; a number that can never be reached is refused here,
  // a landline is kept (its SMS is recorded as undeliverable when sent).
  .refine(isPhoneNumber, 'is not a valid phone number');

const PersonSchema = z.object({ name: Text(120), phone: PhoneSchema }).strict();

const base = { eventId: EventIdSchema, at: InstantSchema };

/** A step of a path; `stepName` is its Vietnamese name, as the texts say it (the step id when absent). */
export const StepSpecSchema = z
  .object({ stepId: IdSchema, stepName: Text(120).optional(), unitId: IdSchema, budget: LimitSchema })
  .strict();

export const PathSchema = z
  .array(z.array(StepSpecSchema).min(1, 'a stage has at least one step').max(20), {
    error: 'must be an array of stages',
  })
  .min(1, 'a path has at least one stage')
  .max(20, 'a path has at most 20 stages')
  .superRefine((stages, ctx) => {
    const seen = new Set<string>();
    for (const [i, stage] of stages.entries()) {
      for (const [j, step] of stage.entries()) {
        if (seen.has(step.stepId))
          ctx.addIssue({ code: 'custom', path: [i, j, 'stepId'], message: `step "${step.stepId}" appears twice` });
        seen.add(step.stepId);
      }
    }
  });

export const UnitUpsertedSchema = z
  .object({
    ...base,
    type: z.literal('unit.upserted'),
    unitId: IdSchema,
    name: Text(200),
    parentUnitId: IdSchema.optional(),
    head: PersonSchema,
  })
  .strict()
  .refine((e) => e.parentUnitId !== e.unitId, { path: ['parentUnitId'], message: 'a unit cannot be its own parent' });

const Priority = z.enum(['elderly', 'disabled', 'merit']).optional();

const dossierReceived = <A extends z.ZodType>(applicant: A) =>
  z
    .object({
      ...base,
      type: z.literal('dossier.received'),
      dossierId: IdSchema,
      procedureCode: IdSchema,
      procedureName: Text(300),
      limit: LimitSchema,
      supplementMode: z.enum(['pause', 'restart']).optional(),
      applicant,
      path: PathSchema.optional(),
      receivingUnitId: IdSchema.optional(),
    })
    .strict()
    .refine((e) => e.path !== undefined || e.receivingUnitId !== undefined, {
      path: ['path'],
      message: 'is required when receivingUnitId is absent (the catalogue path needs the receiving unit)',
    });

export const DossierReceivedSchema = dossierReceived(
  z.object({ name: Text(120), phone: PhoneSchema, priority: Priority }).strict(),
);

/**
 * A dossier as the national portal's feed gives it (docs/law.md §7): the applicant's name and number
 * may be absent there. It is kept, since its deadline still binds; its citizen notices are recorded
 * undeliverable. Only the feed adapter writes it; POST /events still requires both.
 */
export const FeedDossierReceivedSchema = dossierReceived(
  z.object({ name: Text(120).optional(), phone: PhoneSchema.optional(), priority: Priority }).strict(),
);

const dossierEvent = <T extends string>(type: T) => ({ ...base, type: z.literal(type), dossierId: IdSchema });

export const StepCompletedSchema = z.object({ ...dossierEvent('step.completed'), stepId: IdSchema }).strict();
/** `unitId`: the unit that asked (default: the unit holding the dossier), named in a repeated request's alarm. */
export const SupplementRequestedSchema = z
  .object({ ...dossierEvent('supplement.requested'), unitId: IdSchema.optional() })
  .strict();
export const SupplementReceivedSchema = z.object({ ...dossierEvent('supplement.received') }).strict();
export const ApologyIssuedSchema = z
  .object({ ...dossierEvent('apology.issued'), unitId: IdSchema, reason: Text(300), newDueAt: InstantSchema })
  .strict();
export const DossierResolvedSchema = z
  .object({ ...dossierEvent('dossier.resolved'), reason: Text(300).optional() })
  .strict();
export const DossierReturnedSchema = z
  .object({ ...dossierEvent('dossier.returned'), reason: Text(300).optional() })
  .strict();
export const DossierWithdrawnSchema = z
  .object({ ...dossierEvent('dossier.withdrawn'), reason: Text(300).optional() })
  .strict();
export const DossierRejectedSchema = z.object({ ...dossierEvent('dossier.rejected'), reason: Text(300) }).strict();

export const EVENT_SCHEMAS = {
  'unit.upserted': UnitUpsertedSchema,
  'dossier.received': DossierReceivedSchema,
  'step.completed': StepCompletedSchema,
  'supplement.requested': SupplementRequestedSchema,
  'supplement.received': SupplementReceivedSchema,
  'apology.issued': ApologyIssuedSchema,
  'dossier.resolved': DossierResolvedSchema,
  'dossier.returned': DossierReturnedSchema,
  'dossier.withdrawn': DossierWithdrawnSchema,
  'dossier.rejected': DossierRejectedSchema,
} as const;

/** What the store may hold: the intake's contract, and the feed adapter's dossiers (see FeedDossierReceivedSchema). */
const STORED_SCHEMAS = { ...EVENT_SCHEMAS, 'dossier.received': FeedDossierReceivedSchema } as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];

export type UnitUpserted = z.output<typeof UnitUpsertedSchema>;
export type DossierReceived = z.output<typeof FeedDossierReceivedSchema>;
export type StepSpec = z.output<typeof StepSpecSchema>;
export type DossierEvent = {
  [K in Exclude<EventType, 'unit.upserted'>]: z.output<(typeof STORED_SCHEMAS)[K]>;
}[Exclude<EventType, 'unit.upserted'>];
export type IntakeEvent = UnitUpserted | DossierEvent;

export type ParseResult = { ok: true; event: IntakeEvent } | { ok: false; field: string; reason: string };

/**
 * Parses one event. The first problem is reported with its field path ("applicant.phone") and reason,
 * which the API answers as a 400. `contract`: 'intake' is POST /events; 'stored' also takes what the
 * feed adapter writes (a superset: every intake event parses the same).
 */
export function parseEvent(input: unknown, contract: 'intake' | 'stored' = 'intake'): ParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, field: '(body)', reason: 'must be a JSON object' };
  }
  const type = (input as { type?: unknown }).type;
  // Own keys only: "toString" or "__proto__" are not event types.
  if (typeof type !== 'string' || !Object.hasOwn(EVENT_SCHEMAS, type)) {
    return { ok: false, field: 'type', reason: `must be one of ${EVENT_TYPES.join(', ')}` };
  }
  const schemas = contract === 'intake' ? EVENT_SCHEMAS : STORED_SCHEMAS;
  const result = schemas[type as EventType].safeParse(input, {
    error: (issue) => (issue.input === undefined && issue.code === 'invalid_type' ? 'is required' : undefined),
  });
  if (result.success) return { ok: true, event: result.data as IntakeEvent };
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    // Named with their path ("applicant.age"), and clipped: a hostile key can be 60 KB long.
    const keys = issue.keys.slice(0, 5).map((k) => clipName([...issue.path, fieldName(k)].join('.')));
    const more = issue.keys.length > keys.length ? ` and ${issue.keys.length - keys.length} more` : '';
    return { ok: false, field: keys.join(', '), reason: `unknown field(s): ${keys.join(', ')}${more}` };
  }
  return { ok: false, field: issue.path.length ? clipName(issue.path.join('.')) : '(body)', reason: issue.message };
}

/** A key that is empty or not a plain word is named as a JSON string: "", "\u0000", "a b". */
function fieldName(key: string): string {
  return /^[A-Za-z0-9_$-]+$/.test(key) ? key : JSON.stringify(key);
}

function clipName(name: string): string {
  return name.length > 80 ? `${name.slice(0, 77)}...` : name;
}
