import { UsageError } from '../errors.ts';
import { serveHttp } from '../server.ts';
import { startLocalStack } from '../stack.ts';

/** `dunghan serve [--port 3000] [--data <folder>]`: the local stack on real time, with its HTTP API. */
export const serveCommand = {
  summary: 'run the local stack on real time with the intake API (POST /events, GET /dossiers/{id})',
  usage: 'dunghan serve [--port <n>] [--outbox <file.ndjson>] [--data <folder>]',
  options: {
    port: { type: 'string' },
    outbox: { type: 'string' },
    data: { type: 'string' },
  },
  async run(values: Record<string, unknown>): Promise<void> {
    const port = values.port === undefined ? 3000 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError('--port', `"${String(values.port)}" is not a port number`);
    const stack = await startLocalStack({
      printOutbox: true,
      logLevel: 'INFO',
      ...(typeof values.outbox === 'string' ? { outboxFile: values.outbox } : {}),
      ...(typeof values.data === 'string' ? { dataPath: values.data } : {}),
    });
    const { server, url } = await serveHttp(stack, port);
    console.log(
      `dunghan serving on ${url}  (POST /events, GET /dossiers/{id}); SMS go to the outbox below. Ctrl-C to stop.`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    server.close();
    await stack.close();
  },
} as const;
