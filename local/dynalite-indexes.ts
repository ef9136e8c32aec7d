import { createRequire } from 'node:module';
import { Readable } from 'node:stream';

/**
 * dynalite keeps, as DynamoDB does, a whole copy of an item in every index whose projection is ALL, and
 * rewrites each copy at every write of the item: a dossier's META is in five indexes. In one process that
 * was 8 % of a season's CPU (its updateIndexes, `npm run bench -- profile cpu simulate 3 2000`) and most of
 * the table's memory. Here an index (all but the one below) holds only its entries' keys (the index's and
 * the table's), and a read of the index takes each item from the table as it is now: the same items
 * (projection ALL), in the index's order, counted as read from the index (ReturnConsumedCapacity as
 * before). An entry whose item has since gone, or moved in that index (its index key changed), is skipped:
 * its new entry, if any, answers in its own place. On AWS an index is eventually consistent and may return
 * either.
 *
 * Measured 2026-12-02 (docs/scale.md, `profile heap 2000`): a dossier just received takes 7.9 KB of table,
 * not 14.3 (5.9 KB with no whole copies at all).
 * A data folder written before (whole copies in its indexes) is read the same way: a copy holds its keys.
 */

const require = createRequire(import.meta.url);

type Attribute = Record<string, unknown>;
type Item = Record<string, Attribute>;
interface KeySchemaElement {
  AttributeName: string;
}
interface IndexDescription {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
}
interface TableDescription {
  TableName: string;
  KeySchema: KeySchemaElement[];
  LocalSecondaryIndexes?: IndexDescription[];
  GlobalSecondaryIndexes?: IndexDescription[];
}
interface SubDb {
  put(key: string, value: unknown, cb: (err?: Error | null) => void): void;
  del(key: string, cb: (err?: Error | null) => void): void;
  createValueStream(options: unknown): Readable;
  dunghanKeysOnly?: true;
}
export interface IndexedStore {
  db: { get(key: string): Promise<Item | undefined> };
  getIndexDb(indexType: string, tableName: string, indexName: string): SubDb;
  getTable(name: string, checkStatus: boolean, cb: (err: Error | null, table?: TableDescription) => void): void;
}
type Callback = (err?: Error | null) => void;

/**
 * The index the reports read whole (a province's month of receipts at a time) keeps whole copies: through keys,
 * GET /reports/units over 30,000 dossiers took 1.30 s against 0.80 s from copies (medians of 5, 2026-12-02). Its
 * key never changes after the receipt, so a write of a dossier rewrites this one copy, not five.
 */
const WHOLE_COPIES = new Set(['byReceipt']);

interface DynaliteDb {
  createKey(item: Item, table: TableDescription, keySchema?: KeySchemaElement[]): string;
  createIndexKey(item: Item, table: TableDescription, keySchema: KeySchemaElement[]): string;
  updateIndexes(
    store: IndexedStore,
    table: TableDescription,
    existing: Item | null,
    item: Item | null,
    cb: Callback,
  ): void;
  dunghanKeysOnly?: true;
}
// Required when first used, not when this module loads: dynalite/db takes its MemoryLevel when it is first
// required, after dynalite-handler.ts has set the store encoding.
let loaded: DynaliteDb | undefined;
const dynaliteDb = (): DynaliteDb => {
  loaded ??= require('dynalite/db') as DynaliteDb;
  return loaded;
};

/** The attribute values of `names` in `item` (undefined: one is missing). */
function pieces(item: Item, names: readonly string[]): Item | undefined {
  const out: Item = {};
  for (const name of names) {
    const value = item[name];
    if (value == null) return undefined;
    out[name] = value;
  }
  return out;
}

function sameValue(a: Attribute | undefined, b: Attribute | undefined): boolean {
  if (!a || !b) return false;
  const [type] = Object.keys(a);
  return type !== undefined && type in b && JSON.stringify(a[type]) === JSON.stringify(b[type]);
}

/**
 * dynalite's updateIndexes with entries of keys only: a put where the item enters an index or its index key
 * changes, a delete where it leaves one or its old key goes. An entry whose key stays is left as it is (its
 * value, the keys, is the same).
 */
function updateIndexesKeysOnly(
  store: IndexedStore,
  table: TableDescription,
  existing: Item | null,
  item: Item | null,
  cb: Callback,
): void {
  if (!existing && !item) {
    cb();
    return;
  }
  const db = dynaliteDb();
  const tableKeys = table.KeySchema.map((k) => k.AttributeName);
  const puts: (() => Promise<void>)[] = [];
  const deletes: (() => Promise<void>)[] = [];
  for (const [indexType, indexes] of [
    ['Local', table.LocalSecondaryIndexes ?? []],
    ['Global', table.GlobalSecondaryIndexes ?? []],
  ] as const) {
    for (const index of indexes) {
      const indexKeys = index.KeySchema.map((k) => k.AttributeName);
      const names = [...new Set([...indexKeys, ...tableKeys])];
      const copies = WHOLE_COPIES.has(index.IndexName) && index.Projection.ProjectionType === 'ALL';
      const keys = item ? pieces(item, names) : undefined;
      const entry = keys && copies ? item : keys;
      const key = entry ? db.createIndexKey(entry, table, index.KeySchema) : null;
      const old = existing && pieces(existing, indexKeys) ? db.createIndexKey(existing, table, index.KeySchema) : null;
      const indexDb = store.getIndexDb(indexType, table.TableName, index.IndexName);
      if (old !== null && old !== key)
        deletes.push(
          () => new Promise((resolve, reject) => indexDb.del(old, (err) => (err ? reject(err) : resolve()))),
        );
      if (key !== null && (key !== old || copies))
        puts.push(
          () => new Promise((resolve, reject) => indexDb.put(key, entry, (err) => (err ? reject(err) : resolve()))),
        );
    }
  }
  // As dynalite: the deletes, then the puts (a changed key never leaves the item in no entry and two).
  Promise.all(deletes.map((d) => d()))
    .then(() => Promise.all(puts.map((p) => p())))
    .then(
      () => cb(),
      (err: Error) => cb(err),
    );
}

function describe(store: IndexedStore, name: string): Promise<TableDescription> {
  return new Promise((resolve, reject) =>
    store.getTable(name, false, (err, table) => (err || !table ? reject(err ?? new Error(name)) : resolve(table))),
  );
}

/** Each entry of an index read as its table's item, if it is still there under the same index key. */
async function* itemsOf(
  store: IndexedStore,
  entries: Readable,
  tableName: string,
  indexName: string,
): AsyncGenerator<Item> {
  const table = await describe(store, tableName);
  const index = [...(table.LocalSecondaryIndexes ?? []), ...(table.GlobalSecondaryIndexes ?? [])].find(
    (i) => i.IndexName === indexName,
  );
  if (!index) throw new Error(`no index ${indexName} on ${tableName}`);
  const indexKeys = index.KeySchema.map((k) => k.AttributeName);
  const db = dynaliteDb();
  const prefix = `item-${tableName}~`;
  try {
    for await (const entry of entries as AsyncIterable<Item>) {
      const item = await store.db.get(prefix + db.createKey(entry, table));
      if (item && indexKeys.every((k) => sameValue(entry[k], item[k]))) yield item;
    }
  } finally {
    entries.destroy();
  }
}

/** Applies the keys-only indexes to a dynalite store (and, once, to dynalite's index writes). */
export function keysOnlyIndexes(store: IndexedStore): void {
  const db = dynaliteDb();
  if (!db.dunghanKeysOnly) {
    db.updateIndexes = updateIndexesKeysOnly;
    db.dunghanKeysOnly = true;
  }
  const getIndexDb = store.getIndexDb.bind(store);
  store.getIndexDb = (indexType, tableName, indexName) => {
    const sub = getIndexDb(indexType, tableName, indexName);
    if (sub.dunghanKeysOnly || WHOLE_COPIES.has(indexName)) return sub;
    const entries = sub.createValueStream.bind(sub);
    sub.createValueStream = (options) =>
      Readable.from(itemsOf(store, entries(options), tableName, indexName), { objectMode: true });
    sub.dunghanKeysOnly = true;
    return sub;
  };
}
