import { CalendarRangeError } from '../core/calendar.ts';
import { formatLimit, limitEndingAt } from '../core/clock.ts';
import type { ReceiptPlan } from '../core/feed.ts';
import { formatInstant, type Instant } from '../core/instant.ts';
import { matchUnit, type UnitDirectory, unitDirectory, unitNameKey } from '../core/unit-names.ts';
import type { DvcqgSnapshot } from '../schemas/dvcqg.ts';
import type { FeedState, Finding, Unit } from '../schemas/records.ts';
import { pathFor } from './intake-checks.ts';
import type { Deps } from './ports.ts';

/**
 * The feed's units and a dossier's first receipt (docs/law.md §7): which known unit a feed text names,
 * who takes what no text maps to, and the path and limit of the dossier (the catalogue's, or for an
 * unknown procedure one step at the receiving unit with the limit that ends at NgayHenTra).
 */

export interface FeedUnits {
  match(text: string): { unitId: string } | { unitId: null; reason: string };
  byId(unitId: string): Unit | undefined;
  /** The unit that takes what the feed does not name: the settings' provincial office, else the one root. */
  provincialOffice: string | null;
}

const directories = new WeakMap<Unit[], UnitDirectory>();

export async function feedUnits(deps: Deps): Promise<FeedUnits> {
  const now = deps.now();
  if (!deps.unitList || deps.unitList.until <= now)
    deps.unitList = { units: await deps.store.units.list(), until: now + deps.unitCacheMs };
  const { units } = deps.unitList;
  let directory = directories.get(units);
  if (!directory) {
    directory = unitDirectory(units, deps.feed.aliases);
    directories.set(units, directory);
  }
  const dir = directory;
  const roots = units.filter((u) => u.parentUnitId === null);
  return {
    match: (text) => matchUnit(dir, text),
    byId: (unitId) => units.find((u) => u.unitId === unitId),
    provincialOffice: deps.feed.provincialOfficeUnitId ?? (roots.length === 1 ? roots[0]!.unitId : null),
  };
}

/** A unit.unmapped finding, one per dossier, field and name. */
export function unmapped(
  dossierId: string,
  at: Instant,
  u: { field: string; name: string; attributedTo: string | null; reason: string },
): Finding {
  return {
    kind: 'unit.unmapped',
    findingId: `unit.unmapped:${u.field}:${unitNameKey(u.name)}`,
    dossierId,
    at: formatInstant(at),
    ...u,
  };
}

/** Adds findings not yet recorded (by id). */
export function addFindings(state: FeedState, findings: readonly Finding[]): void {
  for (const f of findings) if (!state.findings.some((g) => g.findingId === f.findingId)) state.findings.push(f);
}

type Refusal = { field: string; reason: string };

/** The path, limit and receiving unit of a dossier's first receipt, and the units the feed named in vain. */
export async function planReceipt(
  deps: Deps,
  s: DvcqgSnapshot,
  madonvi: string | null,
  now: Instant,
): Promise<{ plan: ReceiptPlan; findings: Finding[] } | Refusal> {
  const units = await feedUnits(deps);
  const missed: { field: string; name: string; reason: string }[] = [];
  const named = (field: string, text: string | null) => {
    if (text === null) return null;
    const m = units.match(text);
    if (m.unitId === null) missed.push({ field, name: text, reason: m.reason });
    return m.unitId;
  };
  const receivingUnitId = named('DonViXuLy', s.unitName) ?? named('madonvi', madonvi) ?? units.provincialOffice;
  if (receivingUnitId === null)
    return {
      field: s.unitName !== null || madonvi === null ? 'DonViXuLy' : 'madonvi',
      reason: `${missed[0]?.reason ?? 'is absent'}, and no provincial office is known to take the dossier: send unit.upserted first`,
    };
  if (s.unitName === null && madonvi === null)
    missed.push({ field: 'DonViXuLy', name: '', reason: 'the feed names no unit (DonViXuLy and madonvi are empty)' });
  const findings = missed.map((m) => unmapped(s.dossierId, now, { ...m, attributedTo: receivingUnitId }));
  if (s.procedureCode === null)
    return { field: 'MaTTHC', reason: 'is required once the dossier is received (TrangThaiHoSo 2 or later)' };
  const procedure = deps.catalogue.procedures.find((p) => p.procedureCode === s.procedureCode);
  if (procedure) {
    const receiving = units.byId(receivingUnitId);
    if (!receiving) return { field: 'DonViXuLy', reason: `unit ${receivingUnitId} is not known` };
    const resolved = pathFor(deps.catalogue, procedure, receiving);
    if ('reason' in resolved) return { field: 'DonViXuLy', reason: resolved.reason };
    const plan: ReceiptPlan = {
      procedureCode: procedure.procedureCode,
      procedureName: procedure.name,
      limit: formatLimit(procedure.limit),
      ...(procedure.supplementMode ? { supplementMode: procedure.supplementMode } : {}),
      receivingUnitId,
      path: resolved.path.map((stage) => stage.map((x) => ({ ...x, budget: formatLimit(x.budget) }))),
      catalogued: true,
      limitField: 'MaTTHC',
    };
    return { plan, findings };
  }
  // Not in the catalogue: the appointment the feed states is the only limit there is.
  const why = `procedure ${s.procedureCode} is not in the catalogue, so its limit is taken from NgayHenTra`;
  if (s.appointmentAt === null || s.receivedAt === null) return { field: 'NgayHenTra', reason: `is required: ${why}` };
  let limit: ReturnType<typeof limitEndingAt>;
  try {
    limit = limitEndingAt(deps.calendar, s.receivedAt, s.appointmentAt);
  } catch (err) {
    if (!(err instanceof CalendarRangeError)) throw err;
    return {
      field: 'NgayHenTra',
      reason: `is outside the working calendar; the working calendar data covers ${deps.calendar.coverage()}`,
    };
  }
  if (limit === null) return { field: 'NgayHenTra', reason: `must be after NgayTiepNhan in working time: ${why}` };
  const budget = formatLimit(limit);
  const plan: ReceiptPlan = {
    procedureCode: s.procedureCode,
    procedureName: s.procedureName ?? s.procedureCode,
    limit: budget,
    receivingUnitId,
    path: [[{ stepId: 'xu-ly', unitId: receivingUnitId, budget }]],
    catalogued: false,
    limitField: 'NgayHenTra',
  };
  return { plan, findings };
}
