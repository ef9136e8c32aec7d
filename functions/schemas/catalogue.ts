import { z } from 'zod';
import { IdSchema, LimitSchema } from './events.ts';

/** The procedure catalogue: the path a procedure follows when an event does not carry one. */
const StepTemplateSchema = z.union(
  [
    z
      .object({
        stepId: IdSchema,
        /** The step's Vietnamese name, as notices say it. */
        name: z.string().min(1).max(120).optional(),
        /** "receiving" (the unit that received the dossier), "parent" (its parent) or a fixed unit id. */
        unit: IdSchema,
        budget: LimitSchema,
      })
      .strict(),
    z
      .object({
        stepId: IdSchema,
        name: z.string().min(1).max(120).optional(),
        /** A role in the catalogue's `servedBy`: the unit that serves the receiving unit (its land office branch). */
        servedBy: IdSchema,
        budget: LimitSchema,
      })
      .strict(),
  ],
  { error: 'must be {stepId, name?, unit, budget} or {stepId, name?, servedBy, budget}' },
);

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
  .object({
    id: z.string().min(1),
    note: z.string().optional(),
    /**
     * Per role, the unit serving each receiving unit: inter-agency steps done by the branch that covers a
     * commune (a land office branch, a tax team) rather than by one fixed unit.
     */
    servedBy: z.record(IdSchema, z.record(IdSchema, IdSchema)).optional(),
    procedures: z.array(ProcedureSchema).min(1),
  })
  .strict()
  .refine((c) => new Set(c.procedures.map((p) => p.procedureCode)).size === c.procedures.length, {
    message: 'procedure codes must be unique',
  })
  .superRefine((c, ctx) => {
    for (const [i, p] of c.procedures.entries())
      for (const [j, stage] of p.path.entries())
        for (const [k, step] of stage.entries())
          if ('servedBy' in step && !c.servedBy?.[step.servedBy])
            ctx.addIssue({
              code: 'custom',
              path: ['procedures', i, 'path', j, k, 'servedBy'],
              message: `role "${step.servedBy}" is not in servedBy`,
            });
  });

export type Procedure = z.output<typeof ProcedureSchema>;
export type Catalogue = z.output<typeof CatalogueSchema>;
