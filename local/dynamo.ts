import type { AddressInfo } from 'node:net';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { Store } from '../functions/adapters/store.ts';
import { createTableInput } from '../functions/adapters/table.ts';

export const LOCAL_TABLE = 'dunghan';

/** dynalite in this process on a loopback port, with the table built from the shared definition. */
export async function startLocalStore(options: { path?: string } = {}): Promise<{ store: Store; endpoint: string; close(): Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.path ? { path: options.path } : {}) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const store = new Store(LOCAL_TABLE, {
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // No SDK retries: dynalite does not throttle, and under the simulated clock the SDK's clock-skew
    // correction (the server's Date header lags simulated jumps) would retry after a faked delay that
    // never comes while the clock waits for the call. Failures surface at once instead.
    maxAttempts: 1,
  });
  try {
    await store.client.send(new CreateTableCommand(createTableInput(LOCAL_TABLE)));
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceInUseException') throw err;
  }
  return {
    store,
    endpoint,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
