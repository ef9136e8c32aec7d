import { z } from 'zod';
import daklak from '../../data/simulations/daklak.json' with { type: 'json' };
import { unaccent } from '../../functions/core/sms.ts';
import { describeZodError } from '../../functions/schemas/errors.ts';
import { LimitSchema } from '../../functions/schemas/events.ts';

/**
 * The synthetic province of `dunghan simulate`: units with parents (heads are drawn by the workload),
 * the procedures citizens file, with their paths, and the rates that shape the season. The model is
 * data (data/simulations/), calibrated from letter 002 (docs/law.md §8); this module only validates and expands it.
 */

const Share = z.number().min(0).max(1);
/** A limit kept as written ("10 working days"): the events carry it as text. */
const LimitText = z.string().superRefine((text, ctx) => {
  const parsed = LimitSchema.safeParse(text);
  if (!parsed.success) ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]!.message });
});
const StepTemplate = z
  .object({ stepId: z.string().min(1), name: z.string().min(1).optional(), unit: z.string().min(1), budget: LimitText })
  .strict();

const SimulationFileSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    note: z.string().min(1),
    provinceUnit: z
      .object({ unitId: z.string().min(1), name: z.string().min(1), headTitle: z.string().min(1) })
      .strict(),
    departments: z
      .array(
        z
          .object({
            unitId: z.string().min(1),
            name: z.string().min(1),
            parent: z.string().optional(),
            lateRate: Share.optional(),
          })
          .strict(),
      )
      .min(1),
    areas: z.array(z.object({ area: z.string().min(1), name: z.string().min(1) }).strict()).min(1),
    areaUnits: z.array(
      z
        .object({
          role: z.string().min(1),
          parent: z.string().min(1),
          unitIdPrefix: z.string().min(1),
          namePrefix: z.string().min(1),
          lateRate: Share.optional(),
        })
        .strict(),
    ),
    defaultLateRate: Share,
    communes: z
      .array(
        z
          .object({
            name: z.string().min(1),
            kind: z.enum(['xã', 'phường']),
            area: z.string().min(1),
            weight: z.number().positive().optional(),
            lateRate: Share.optional(),
          })
          .strict(),
      )
      .min(1),
    procedures: z
      .array(
        z
          .object({
            procedureCode: z.string().min(1),
            name: z.string().min(1),
            limit: LimitText,
            share: z.number().positive(),
            /** "commune" (any commune or ward, by weight) or the id of the department that receives it. */
            receivedBy: z.string().min(1),
            supplementMode: z.enum(['pause', 'restart']).optional(),
            path: z.array(z.array(StepTemplate).min(1)).min(1),
          })
          .strict(),
      )
      .min(1),
    /** The registered SMS sender's brand, the first word of every text (docs/law.md §6). */
    brand: z.string().min(1).max(20),
    rates: z
      .object({
        onlineShare: Share,
        weekendShareOfDay: Share,
        priorityShare: Share,
        supplementShare: Share,
        /** Of the dossiers with a supplement request, those asked again after the papers came (docs/law.md §2). */
        repeatSupplementShare: Share,
        officerApologyShare: Share,
        rejectedShare: Share,
        landlineShare: Share,
      })
      .strict(),
  })
  .strict();

export type SimulationFile = z.output<typeof SimulationFileSchema>;
export type UnitKind = 'province' | 'department' | 'area' | 'commune';

export interface SimUnit {
  unitId: string;
  name: string;
  kind: UnitKind;
  parentUnitId: string | null;
  lateRate: number;
  /** Communes: the area whose land office branch and tax team serve them; and their share of dossiers. */
  area: string | null;
  weight: number;
}

export interface Province {
  id: string;
  name: string;
  note: string;
  units: SimUnit[];
  unitById: ReadonlyMap<string, SimUnit>;
  communes: SimUnit[];
  procedures: SimulationFile['procedures'];
  rates: SimulationFile['rates'];
  brand: string;
  /** Area roles ("land", "tax") to the id prefix of their area units. */
  areaPrefix: ReadonlyMap<string, string>;
}

export const SIMULATION_FILES: Readonly<Record<string, unknown>> = {
  'data/simulations/daklak.json': daklak,
};

/** "Cư M'gar" (xã) -> "xa-cu-mgar": the id a unit has in events. */
export function unitSlug(kind: string, name: string): string {
  return unaccent(`${kind} ${name}`)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export class ProvinceModelError extends Error {
  override readonly name = 'ProvinceModelError';
}

export function loadProvince(file = 'data/simulations/daklak.json'): Province {
  const raw = SIMULATION_FILES[file];
  if (raw === undefined)
    throw new ProvinceModelError(`no simulation model ${file} (known: ${Object.keys(SIMULATION_FILES).join(', ')})`);
  const parsed = SimulationFileSchema.safeParse(raw);
  if (!parsed.success) throw new ProvinceModelError(`${file}: ${describeZodError(parsed.error)}`);
  return expandProvince(parsed.data);
}

function expandProvince(m: SimulationFile): Province {
  const units: SimUnit[] = [];
  const root = m.provinceUnit.unitId;
  units.push({
    unitId: root,
    name: m.provinceUnit.name,
    kind: 'province',
    parentUnitId: null,
    lateRate: m.defaultLateRate,
    area: null,
    weight: 0,
  });
  for (const d of m.departments) {
    units.push({
      unitId: d.unitId,
      name: d.name,
      kind: 'department',
      parentUnitId: d.parent ?? root,
      lateRate: d.lateRate ?? m.defaultLateRate,
      area: null,
      weight: 0,
    });
  }
  for (const a of m.areaUnits) {
    for (const area of m.areas) {
      units.push({
        unitId: `${a.unitIdPrefix}-${area.area}`,
        name: `${a.namePrefix} ${area.name}`,
        kind: 'area',
        parentUnitId: a.parent,
        lateRate: a.lateRate ?? m.defaultLateRate,
        area: area.area,
        weight: 0,
      });
    }
  }
  const communes: SimUnit[] = m.communes.map((c) => ({
    unitId: unitSlug(c.kind, c.name),
    name: `UBND ${c.kind} ${c.name}`,
    kind: 'commune',
    parentUnitId: root,
    lateRate: c.lateRate ?? m.defaultLateRate,
    area: c.area,
    weight: c.weight ?? 1,
  }));
  units.push(...communes);

  const unitById = new Map(units.map((u) => [u.unitId, u]));
  const problems: string[] = [];
  if (unitById.size !== units.length) problems.push('unit ids are not unique');
  const areas = new Set(m.areas.map((a) => a.area));
  const roles = new Set(m.areaUnits.map((a) => a.role));
  for (const u of units)
    if (u.parentUnitId !== null && !unitById.has(u.parentUnitId))
      problems.push(`${u.unitId}: unknown parent ${u.parentUnitId}`);
  for (const c of communes) if (!areas.has(c.area!)) problems.push(`${c.unitId}: unknown area ${c.area}`);
  for (const p of m.procedures) {
    if (p.receivedBy !== 'commune' && !unitById.has(p.receivedBy))
      problems.push(`${p.procedureCode}: unknown receivedBy ${p.receivedBy}`);
    for (const step of p.path.flat()) {
      const ok =
        step.unit === 'receiving' ||
        (step.unit.startsWith('area:')
          ? roles.has(step.unit.slice(5)) && p.receivedBy === 'commune'
          : unitById.has(step.unit));
      if (!ok) problems.push(`${p.procedureCode}.${step.stepId}: unknown unit ${step.unit}`);
    }
  }
  if (problems.length) throw new ProvinceModelError(`simulation model ${m.id}: ${problems.join('; ')}`);
  const areaPrefix = new Map(m.areaUnits.map((a) => [a.role, a.unitIdPrefix]));
  return {
    id: m.id,
    name: m.name,
    note: m.note,
    units,
    unitById,
    communes,
    procedures: m.procedures,
    rates: m.rates,
    brand: m.brand,
    areaPrefix,
  };
}

/** The unit that serves a path step for a dossier received by `receiving`. */
export function resolveStepUnit(province: Province, template: string, receiving: SimUnit): string {
  if (template === 'receiving') return receiving.unitId;
  if (template.startsWith('area:')) {
    return `${province.areaPrefix.get(template.slice(5))}-${receiving.area}`;
  }
  return template;
}
