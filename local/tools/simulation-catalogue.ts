import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadProvince, type Province } from '../simulate/province.ts';

/**
 * The procedure catalogue of the simulated province (data/procedures/daklak.json), derived from its
 * model (data/simulations/daklak.json): what a replay of its national-portal feed needs, since a feed
 * names procedures by code (MaTTHC) and dunghan takes their paths from the catalogue. Steps done by the
 * branch serving a commune (a land office branch, a tax team) become `servedBy` roles.
 *
 *   npx tsx local/tools/simulation-catalogue.ts     rewrites data/procedures/daklak.json
 */
export function simulationCatalogue(province: Province) {
  const servedBy: Record<string, Record<string, string>> = {};
  for (const [role, prefix] of province.areaPrefix)
    servedBy[role] = Object.fromEntries(province.communes.map((c) => [c.unitId, `${prefix}-${c.area}`]));
  return {
    id: province.id,
    note: `The procedures of the simulated province (${province.name}) with their paths, derived from data/simulations/${province.id}.json by local/tools/simulation-catalogue.ts: what a replay of its national-portal feed takes paths from.`,
    servedBy,
    procedures: province.procedures.map((p) => ({
      procedureCode: p.procedureCode,
      name: p.name,
      limit: p.limit,
      ...(p.supplementMode ? { supplementMode: p.supplementMode } : {}),
      path: p.path.map((stage) =>
        stage.map((s) =>
          s.unit.startsWith('area:')
            ? { stepId: s.stepId, servedBy: s.unit.slice(5), budget: s.budget }
            : { stepId: s.stepId, unit: s.unit, budget: s.budget },
        ),
      ),
    })),
  };
}

export const catalogueText = (province: Province) => `${JSON.stringify(simulationCatalogue(province), null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const province = loadProvince();
  const file = fileURLToPath(new URL(`../../data/procedures/${province.id}.json`, import.meta.url));
  writeFileSync(file, catalogueText(province));
  console.log(`wrote ${file}`);
}
