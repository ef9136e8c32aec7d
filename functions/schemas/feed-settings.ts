import { z } from 'zod';
import { unitNameKey } from '../core/unit-names.ts';
import { IdSchema } from './events.ts';

/**
 * A province's settings for the national portal's feed (data/feeds/): the names and codes its feed
 * really uses for its units, the provincial office that takes what no name maps to, and whether a
 * financial obligation (TrangThaiHoSo 6) pauses the clock like a supplement request (5).
 */
export const FeedSettingsSchema = z
  .object({
    id: z.string().min(1),
    note: z.string().optional(),
    /** The unit that takes a dossier whose unit the feed does not name: default, the one root unit. */
    provincialOfficeUnitId: IdSchema.optional(),
    /** Whether status 6 (financial obligation requested) pauses the clock as 5 does. */
    pauseOnFinancialObligation: z.boolean(),
    aliases: z.array(
      z
        .object({
          unitId: IdSchema,
          names: z.array(z.string().trim().min(1, 'must not be empty')).min(1, 'must list at least one name or code'),
        })
        .strict(),
    ),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Map<string, string>();
    for (const [i, a] of s.aliases.entries())
      for (const [j, name] of a.names.entries()) {
        const other = seen.get(unitNameKey(name));
        if (other !== undefined && other !== a.unitId)
          ctx.addIssue({
            code: 'custom',
            path: ['aliases', i, 'names', j],
            message: `"${name}" is already an alias of ${other}`,
          });
        seen.set(unitNameKey(name), a.unitId);
      }
  });

export type FeedSettings = z.output<typeof FeedSettingsSchema>;
