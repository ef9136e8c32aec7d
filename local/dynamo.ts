import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../functions/adapters/dynamodb/store.ts';
import { createTableInput } from '../functions/adapters/dynamodb/table.ts';
import { sendDocumentsInProcess } from './dynalite-documents.ts';
import { inProcessDynalite } from './dynalite-handler.ts';

export const LOCAL_TABLE = 'dunghan';

/** A data folder is LevelDB's, locked by the one process that has it open (one server per folder). */
export class DataFolderInUseError extends Error {
  override readonly name = 'DataFolderInUseError';
}

const LOCAL_SKIPPED_MIDDLEWARE = [
  'httpSigningMiddleware',
  'getUserAgentMiddleware',
  'retryMiddleware',
  'recursionDetectionMiddleware',
  'loggerMiddleware',
  'hostHeaderMiddleware',
  'contentLengthMiddleware',
];

/** dynalite in this process, called without a socket, with the table built from the shared definition. */
export async function startLocalStore(
  options: { path?: string } = {},
): Promise<{ store: DynamoStore; close(): Promise<void> }> {
  const dynalite = inProcessDynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  try {
    await dynalite.open();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    if (options.path && cause?.code === 'LEVEL_LOCKED')
      throw new DataFolderInUseError(`the data folder ${options.path} is in use by another process`);
    throw err;
  }
  const store = new DynamoStore(LOCAL_TABLE, {
    endpoint: 'http://dynalite.local',
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: dynalite,
    // No SDK retries: dynalite does not throttle, and under the simulated clock the SDK's clock-skew
    // correction would retry after a faked delay that never comes while the clock waits for the call.
    // Failures surface at once instead.
    maxAttempts: 1,
  });
  // In process there is no network to sign for, retry over or identify to. The store's document
  // commands go straight to dynalite after the store's own counters; table administration keeps the
  // SDK's serialisation through the in-process request handler.
  for (const name of LOCAL_SKIPPED_MIDDLEWARE) store.table.doc.middlewareStack.remove(name);
  sendDocumentsInProcess(store.table.doc, dynalite);
  try {
    await store.table.doc.send(new CreateTableCommand(createTableInput(LOCAL_TABLE)));
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceInUseException') throw err;
  }
  // dynalite makes a new table ACTIVE on a timer; without the network's latency the first call could
  // come before it.
  await dynalite.tableActive(LOCAL_TABLE);
  return { store, close: () => dynalite.close() };
}
