import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_PROVINCE, ROLES, type Role, type Viewer } from '../../functions/app/identity.ts';
import { IdSchema } from '../../functions/schemas/events.ts';
import { UsageError } from '../errors.ts';
import { serveHttp } from '../server.ts';
import { startLocalStack } from '../stack.ts';

/**
 * `dunghan serve [--port 3000] [--data <folder>] [--as <unitId> [--role viewer|head|province]]`: the local stack on real
 * time with its HTTP API on 127.0.0.1, every request signed in as a development identity (default: the provincial
 * office), so that the same scoping runs as behind the Cognito authorizer on AWS.
 */
export const serveCommand = {
  summary: 'run the local stack on real time with its API on 127.0.0.1, signed in as a development identity',
  usage: 'dunghan serve [--port <n>] [--outbox <file.ndjson>] [--data <folder>] [--as <unitId>] [--role <role>]',
  options: {
    port: { type: 'string' },
    outbox: { type: 'string' },
    data: { type: 'string' },
    as: { type: 'string' },
    role: { type: 'string' },
  },
  async run(values: Record<string, unknown>): Promise<void> {
    const port = values.port === undefined ? 3000 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError('--port', `"${String(values.port)}" is not a port number`);
    const as = developmentIdentity(values.as, values.role);
    const stack = await startLocalStack({
      printOutbox: true,
      logLevel: 'INFO',
      ...(typeof values.outbox === 'string' ? { outboxFile: values.outbox } : {}),
      ...(typeof values.data === 'string' ? { dataPath: values.data } : {}),
    });
    const dashboardDir = findDashboard();
    const { server, url } = await serveHttp(stack, port, '127.0.0.1', {
      as,
      ...(dashboardDir ? { dashboardDir } : {}),
    });
    console.log(dashboardDir ? `the dashboard: ${url}/` : 'no dashboard built (npm run build makes dist/dashboard)');
    console.log(
      `dunghan serving on ${url}  (POST /events, GET /reports/units, /dossiers…) as ${as.role} ${as.unitId}; ` +
        'SMS go to the outbox below. Ctrl-C to stop.',
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

/** The identity of `--as <unitId>` (a head unless `--role` says otherwise), or the provincial office. */
function developmentIdentity(as: unknown, role: unknown): Viewer {
  if (role !== undefined && !ROLES.includes(role as Role))
    throw new UsageError('--role', `"${String(role)}" is not one of ${ROLES.join(', ')}`);
  if (as === undefined) return role === undefined ? LOCAL_PROVINCE : { ...LOCAL_PROVINCE, role: role as Role };
  const unitId = IdSchema.safeParse(as);
  if (!unitId.success) throw new UsageError('--as', `"${String(as)}" is not a unit id`);
  return { userId: `local-${unitId.data}`, unitId: unitId.data, role: (role as Role | undefined) ?? 'head' };
}

/** dist/dashboard, from this module in dist/chunks/ (the built CLI) or in local/commands/ (the sources). */
function findDashboard(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, '..', 'dashboard'), join(here, '..', '..', 'dist', 'dashboard')])
    if (existsSync(join(dir, 'index.html'))) return dir;
  return null;
}
