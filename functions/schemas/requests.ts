import { z } from 'zod';
import { APOLOGY_REASON_CODES } from '../core/apology-reasons.ts';
import { dayFromIsoDate, InvalidInstantError } from '../core/instant.ts';
import { IdSchema, parsedBy, Text } from './events.ts';

/**
 * The dashboard's requests: query parameters of the report and list routes, the bodies of the actions, and the
 * identity the API's authorizer hands over. Closed schemas: an unknown parameter is refused, naming it.
 */

/** A calendar day, YYYY-MM-DD, as its day number. */
export const IsoDateSchema = parsedBy(dayFromIsoDate, InvalidInstantError, 'must be a calendar date YYYY-MM-DD');
const Format = z.enum(['json', 'csv']).default('json');

/** The longest report period: a year and a day (a leap year and its 1 January). */
export const MAX_REPORT_DAYS = 367;

export const ReportQuerySchema = z
  .object({ from: IsoDateSchema, to: IsoDateSchema, format: Format })
  .strict()
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'must not be before from' })
  .refine((q) => q.to - q.from < MAX_REPORT_DAYS, {
    path: ['to'],
    message: `must be within ${MAX_REPORT_DAYS} days of from`,
  });

export const DossierListQuerySchema = z
  .object({
    unitId: IdSchema.optional(),
    view: z.enum(['overdue', 'coming-due', 'open']).default('open'),
    cursor: z.string().min(1).max(2000, 'must be at most 2000 characters').optional(),
    limit: z.coerce
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(100, 'must be at most 100')
      .default(50),
    format: Format,
  })
  .strict();

export const FormatQuerySchema = z.object({ format: Format }).strict();

/** POST /dossiers/{id}/apology: the one reschedule, with the reason (docs/law.md §2). */
export const ApologyRequestSchema = z
  .object({
    reasonCode: z.enum(APOLOGY_REASON_CODES),
    reasonText: Text(200).optional(),
    /** The new appointment day: it ends at the close of that working day. */
    newDueDate: IsoDateSchema,
    /** Rescheduling after the due has passed: the head says it is late. */
    late: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.reasonCode !== 'other' || r.reasonText !== undefined, {
    path: ['reasonText'],
    message: 'is required when the reason is "other"',
  });
export type ApologyRequest = z.output<typeof ApologyRequestSchema>;

/** POST /dossiers/{id}/acknowledgements: a head acknowledges an escalation sent to them. */
export const AcknowledgementRequestSchema = z
  .object({
    noticeId: z
      .string()
      .min(1, 'must not be empty')
      .max(300, 'must be at most 300 characters')
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:/#-]*$/, 'is not a notice id'),
  })
  .strict();

/**
 * The claims of the ID token API Gateway's Cognito authorizer verified (requestContext.authorizer.claims), as the user
 * pool issues them: the subject and the custom attributes the provincial office sets (users cannot write them).
 */
export const VerifiedClaimsSchema = z
  .object({
    sub: z.string().min(1).max(128),
    'custom:unitId': IdSchema,
    'custom:role': z.enum(['viewer', 'head', 'province']),
  })
  .transform((c) => ({ userId: c.sub, unitId: c['custom:unitId'], role: c['custom:role'] }));
