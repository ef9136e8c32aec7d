import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { type HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { cacheExpressionParses } from './dynalite-expressions.ts';
import { type IndexedStore, keysOnlyIndexes } from './dynalite-indexes.ts';
import { type DynaliteKeyFunctions, keepKeyHashes } from './dynalite-keys.ts';

/**
 * dynalite without a socket: the DynamoDB client's request handler hands each request to dynalite's
 * own validation and action code in this process, as dynalite's HTTP listener does after parsing the
 * request, and answers with dynalite's JSON. Same checks, same conditional writes, same indexes and
 * paging; no HTTP parsing, no loopback connection, no per-request timers (which the simulated clock
 * would otherwise fake). The listener's checks of the HTTP layer itself (method, content type, the
 * presence of signature headers) have nothing to check here and are left out.
 */

const require = createRequire(import.meta.url);

type Callback = (err: { statusCode?: number; body?: unknown } | null, data?: unknown) => void;
interface ActionValidation {
  types: unknown;
  custom?: unknown;
}
interface LevelIterator {
  next(): Promise<unknown>;
  close(): Promise<void>;
}
interface LevelDb {
  keys(options: unknown): LevelIterator;
  values(options: unknown): LevelIterator;
  createKeyStream(options: unknown): Readable;
  createValueStream(options: unknown): Readable;
}
interface DynaliteStore {
  db: LevelDb & { close(cb: (err?: Error) => void): void; open(): Promise<void> };
  getTable(name: string, checkStatus: boolean, cb: (err: Error | null, table?: { TableStatus: string }) => void): void;
  lifecycleManager?: { gracefulClose(cb: (err?: Error) => void): void };
}

// memory-level stores keys and values as Buffers by default: small Buffers are slices of shared 8 KB
// pools, and one long-lived item then keeps a whole pool alive. 'view' stores each one in its own
// Uint8Array, compared byte by byte as Buffers are (the same order as DynamoDB's). Set before dynalite
// loads it (dynalite/db takes MemoryLevel from the module when it is first required).
const memoryLevel = require(require.resolve('memory-level', { paths: [require.resolve('dynalite/db')] })) as {
  MemoryLevel: new (options?: Record<string, unknown>) => object;
  dunghanStoreEncoding?: string;
};
if (!memoryLevel.dunghanStoreEncoding) {
  const Base = memoryLevel.MemoryLevel;
  memoryLevel.MemoryLevel = class extends Base {
    constructor(options?: Record<string, unknown>) {
      super({ storeEncoding: 'view', ...options });
    }
  };
  memoryLevel.dunghanStoreEncoding = 'view';
}
const db = require('dynalite/db') as { create(options: Record<string, unknown>): DynaliteStore };
const validations = require('dynalite/validations') as {
  checkTypes(data: unknown, types: unknown): unknown;
  checkValidations(data: unknown, types: unknown, custom: unknown, store: DynaliteStore): void;
};

// The operations dynalite serves (its index.js list), loaded lazily.
const OPERATIONS = new Set([
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
]);
const actions = new Map<
  string,
  { action: (store: DynaliteStore, data: unknown, cb: Callback) => void; validation: ActionValidation }
>();

function operation(name: string) {
  let op = actions.get(name);
  if (!op) {
    const file = name.charAt(0).toLowerCase() + name.slice(1);
    op = {
      action: require(`dynalite/actions/${file}`) as (store: DynaliteStore, data: unknown, cb: Callback) => void,
      validation: require(`dynalite/validations/${file}`) as ActionValidation,
    };
    actions.set(name, op);
  }
  return op;
}

export interface InProcessDynalite {
  /**
   * An operation by name with its request: JSON text, or the request's JSON values themselves, handed
   * over (dynalite's type checks build their own copy of every container, as the parse of the text
   * would). dynalite's status, a request id and its answer.
   */
  call(
    operation: string,
    body: string | Record<string, unknown>,
  ): Promise<{ statusCode: number; requestId: string; body: Record<string, unknown> }>;
  handle(request: HttpRequest): Promise<{ response: HttpResponse }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
  /** Opens the store (LevelDB with a path: its folder's lock, held by one process at a time). */
  open(): Promise<void>;
  /** Resolves once the table is ACTIVE (dynalite activates a new table on a timer). */
  tableActive(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * dynalite 4.0.0 reads through streams over level iterators and ends them with `iterator.return()`,
 * which abstract-level iterators do not have: no iterator is ever closed. memory-level then keeps
 * every iterator in its open resources, and each holds a snapshot of the whole tree, so every version
 * of every item ever written stays in memory. The same streams, closing their iterator when they end
 * or are destroyed.
 */
function closeIteratorsOfStreams(levelDb: LevelDb): void {
  const stream = (iterator: LevelIterator) =>
    new Readable({
      objectMode: true,
      read() {
        iterator
          .next()
          .then((value) => {
            if (value === undefined) this.push(null);
            else this.push(value);
          })
          .catch((err: Error) => {
            this.destroy(err);
          });
      },
      destroy(err, callback) {
        iterator.close().then(
          () => callback(err),
          () => callback(err),
        );
      },
    });
  levelDb.createKeyStream = (options) => stream(levelDb.keys(options));
  levelDb.createValueStream = (options) => stream(levelDb.values(options));
}

type GetTable = DynaliteStore['getTable'];
/** The operations that change a table's description (dynalite writes it only there). */
const TABLE_CHANGES = new Set(['CreateTable', 'DeleteTable', 'UpdateTable']);

/**
 * dynalite reads the table's description from the store at every call (its getTable): with a data
 * folder that is a LevelDB read per call, about a tenth of serve's time under load. An ACTIVE
 * table's description changes only through the table operations, which drop it from this cache.
 * Answered on a microtask, as asynchronously as the read it replaces.
 */
function cacheActiveTables(store: DynaliteStore): { forget(): void } {
  const active = new Map<string, { TableStatus: string }>();
  const read: GetTable = store.getTable.bind(store);
  store.getTable = ((name: string, checkStatus: boolean | Parameters<GetTable>[2], cb?: Parameters<GetTable>[2]) => {
    const callback = (typeof checkStatus === 'function' ? checkStatus : cb)!;
    const hit = active.get(name);
    if (hit) return queueMicrotask(() => callback(null, hit));
    read(name, typeof checkStatus === 'function' ? false : checkStatus, (err, table) => {
      if (!err && table?.TableStatus === 'ACTIVE') active.set(name, table);
      callback(err, table);
    });
  }) as GetTable;
  return { forget: () => active.clear() };
}

export function inProcessDynalite(
  options: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number } = {},
): InProcessDynalite {
  cacheExpressionParses();
  keepKeyHashes(db as unknown as DynaliteKeyFunctions);
  const store = db.create({ ...options });
  closeIteratorsOfStreams(store.db);
  keysOnlyIndexes(store as unknown as IndexedStore);
  const tables = cacheActiveTables(store);
  let requestSeq = 0;
  /** One request as dynalite's listener serves it once the HTTP layer is parsed: status and JSON. */
  const call = (
    name: string,
    request: string | Record<string, unknown>,
  ): Promise<{ statusCode: number; data: unknown }> => {
    if (!OPERATIONS.has(name))
      return Promise.resolve({
        statusCode: 400,
        data: { __type: 'com.amazon.coral.service#UnknownOperationException' },
      });
    if (!request)
      return Promise.resolve({ statusCode: 400, data: { __type: 'com.amazon.coral.service#SerializationException' } });
    let data: unknown = request;
    if (typeof request === 'string') {
      try {
        data = JSON.parse(request);
      } catch {
        return Promise.resolve({
          statusCode: 400,
          data: { __type: 'com.amazon.coral.service#SerializationException' },
        });
      }
    }
    const { action, validation } = operation(name);
    if (TABLE_CHANGES.has(name)) tables.forget();
    try {
      data = validations.checkTypes(data, validation.types);
      validations.checkValidations(data, validation.types, validation.custom, store);
    } catch (err) {
      const e = err as { statusCode?: number; body?: unknown };
      if (e.statusCode) return Promise.resolve({ statusCode: e.statusCode, data: e.body });
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      action(store, data, (err, result) => {
        if (TABLE_CHANGES.has(name)) tables.forget();
        if (err?.statusCode) resolve({ statusCode: err.statusCode, data: err.body });
        else if (err) reject(err);
        else resolve({ statusCode: 200, data: result });
      });
    });
  };
  return {
    call: async (name, request) => {
      // dynalite builds every answer afresh (items are decoded from the store per call), so it is
      // handed over as is: the caller copies what it keeps (unmarshalling builds new objects).
      const { statusCode, data } = await call(name, request);
      return { statusCode, requestId: `local-${++requestSeq}`, body: data as Record<string, unknown> };
    },
    async handle(request) {
      const target = String(request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '').split('.');
      const raw = request.body as string | Uint8Array | undefined;
      const text =
        typeof raw === 'string'
          ? raw
          : raw
            ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8')
            : '';
      const { statusCode, data } = await call(target.length === 2 ? (target[1] ?? '') : '', text);
      const body = Buffer.from(JSON.stringify(data), 'utf8');
      return {
        response: new HttpResponse({
          statusCode,
          headers: {
            'x-amzn-requestid': `local-${++requestSeq}`,
            'content-type': 'application/x-amz-json-1.0',
            'content-length': String(body.length),
          },
          body,
        }),
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
    open: () => store.db.open(),
    async tableActive(name) {
      for (;;) {
        const status = await new Promise<string | undefined>((resolve) =>
          store.getTable(name, false, (err, table) => resolve(err ? undefined : table?.TableStatus)),
        );
        if (status === 'ACTIVE') return;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => (err ? reject(err) : resolve());
        if (store.lifecycleManager) store.lifecycleManager.gracefulClose(done);
        else store.db.close(done);
      }),
  };
}
