/**
 * dynalite names every item in its store by an md5 prefix of the item's partition key followed by the
 * key in hex (its createKey), and every index entry by the index's key and an md5 prefix of the table's
 * (createIndexKey). It hashes afresh at each call: about 3 % of a season's CPU (`npm run bench -- profile
 * cpu simulate 3 2000`, 2026-12-02: node's createHash under dynalite's hashPrefix), though a dossier's
 * partition key is the same for its forty-odd items and every call on them. The prefix is a pure function
 * of the key's values: here it is kept by value (the most recent 65,536) and the two key functions are
 * dynalite's own, calling the kept one. Same strings (tests/unit/dynalite-keys.test.ts compares them).
 */

type Attribute = Record<string, unknown>;
type Item = Record<string, Attribute>;
interface KeySchemaElement {
  AttributeName: string;
}
interface TableDescription {
  KeySchema: KeySchemaElement[];
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
}
type HashPrefix = (hashKey: unknown, hashType: string, rangeKey?: unknown, rangeType?: string) => string;

/** The functions of dynalite/db this module reads and replaces (its exports, which its actions call). */
export interface DynaliteKeyFunctions {
  hashPrefix: HashPrefix;
  toRangeStr(keyPiece: unknown, type?: string): string;
  traverseKey(
    table: TableDescription,
    keySchema: KeySchemaElement[] | ((attr: string, type: string, isHash: boolean) => unknown),
    visit?: (attr: string, type: string, isHash: boolean) => unknown,
  ): unknown;
  createKey(item: Item, table: TableDescription, keySchema?: KeySchemaElement[]): string;
  createIndexKey(item: Item, table: TableDescription, keySchema: KeySchemaElement[]): string;
  dunghanKeptHashes?: true;
}

const KEPT = 65_536;

export function keepKeyHashes(db: DynaliteKeyFunctions): void {
  if (db.dunghanKeptHashes) return;
  const hash = db.hashPrefix;
  const kept = new Map<string, string>();
  const hashPrefix: HashPrefix = (hashKey, hashType, rangeKey, rangeType) => {
    // The hash key's length makes the id unambiguous whatever the values hold.
    const h = String(hashKey);
    const id = rangeKey
      ? `${hashType}${h.length}:${h}|${rangeType}:${String(rangeKey)}`
      : `${hashType}${h.length}:${h}`;
    let prefix = kept.get(id);
    if (prefix === undefined) {
      prefix = hash(hashKey, hashType, rangeKey, rangeType);
      if (kept.size >= KEPT) kept.clear();
      kept.set(id, prefix);
    }
    return prefix;
  };
  // dynalite's createKey and createIndexKey (db/index.js), with the kept prefix.
  const createKey = (item: Item, table: TableDescription, keySchema?: KeySchemaElement[]): string => {
    let keyStr = '';
    db.traverseKey(table, keySchema ?? table.KeySchema, (attr, type, isHash) => {
      const value = item[attr]![type];
      if (isHash) keyStr = `${hashPrefix(value, type)}/`;
      keyStr += `${db.toRangeStr(value, type)}/`;
    });
    return keyStr;
  };
  const createIndexKey = (item: Item, table: TableDescription, keySchema: KeySchemaElement[]): string => {
    const pieces: unknown[] = [];
    db.traverseKey(table, (attr, type) => {
      pieces.push(item[attr]![type], type);
    });
    const [hashKey, hashType, rangeKey, rangeType] = pieces as [unknown, string, unknown?, string?];
    return createKey(item, table, keySchema) + hashPrefix(hashKey, hashType, rangeKey, rangeType);
  };
  Object.assign(db, { hashPrefix, createKey, createIndexKey, dunghanKeptHashes: true });
}
