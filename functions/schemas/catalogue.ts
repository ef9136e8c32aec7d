import { z } from 'zod';
import { IdSchema, LimitSchema } from './events.ts';

/** The procedure catalogue: the path a procedure follows when an event does not carry one. */
const StepTemplateSchema = z
  .object({
    stepId: IdSchema,
    /** "receiving" (the unit that received the dossier), "parent" (its parent) or a fixed unit id. */
    unit: IdSchema,
    budget: LimitSchema,
  })
  .strict();

export const ProcedureSchema = z
  .object({
    procedureCode: IdSchema,
    name: z.string().min(1),
    limit: LimitSchema,
    supplementMode: z.enum(['pause', 'restart']).optional(),
    path: z.array(z.array(StepTemplateSchema).min(1)).min(1),
  })
  .strict();

export const CatalogueSchema = z
  .object({ id: z.string().min(1), note: z.string().optional(), procedures: z.array(ProcedureSchema).min(1) })
  .strict()
  .refine((c) => new Set(c.procedures.map((p) => p.procedureCode)).size === c.procedures.length, {
    message: 'procedure codes must be unique',
  });

export type Procedure = z.output<typeof ProcedureSchema>;
export type Catalogue = z.output<typeof CatalogueSchema>;
