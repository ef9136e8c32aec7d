/**
 * How the feed's unit texts (madonvi codes, DonViXuLy and PhongBanXuLy names) find dunghan's units
 * (docs/law.md §7): a unit whose id is the code, a province's alias for it, or a unit whose name is
 * the text, compared trimmed, in Unicode NFC, spaces collapsed, case-insensitive.
 */

/** The form names are compared in. */
export function unitNameKey(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('vi');
}

export interface UnitDirectory {
  readonly ids: ReadonlyMap<string, string>;
  readonly aliases: ReadonlyMap<string, string>;
  readonly names: ReadonlyMap<string, readonly string[]>;
}

export function unitDirectory(
  units: readonly { unitId: string; name: string }[],
  aliases: readonly { unitId: string; names: readonly string[] }[],
): UnitDirectory {
  const ids = new Map<string, string>();
  const names = new Map<string, string[]>();
  for (const u of units) {
    ids.set(unitNameKey(u.unitId), u.unitId);
    const key = unitNameKey(u.name);
    names.set(key, [...(names.get(key) ?? []), u.unitId]);
  }
  const byAlias = new Map<string, string>();
  for (const a of aliases) for (const n of a.names) byAlias.set(unitNameKey(n), a.unitId);
  return { ids, aliases: byAlias, names };
}

export type UnitMatch = { unitId: string } | { unitId: null; reason: string };

/** The unit a feed text names: by id, then alias, then name; several units of one name match none. */
export function matchUnit(directory: UnitDirectory, text: string): UnitMatch {
  const key = unitNameKey(text);
  const id = directory.ids.get(key) ?? directory.aliases.get(key);
  if (id !== undefined) return { unitId: id };
  const named = directory.names.get(key) ?? [];
  if (named.length === 1) return { unitId: named[0]! };
  if (named.length > 1)
    return { unitId: null, reason: `names ${named.length} units (${named.slice(0, 3).join(', ')})` };
  return { unitId: null, reason: 'names no known unit (by id, alias or name)' };
}
