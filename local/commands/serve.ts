import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_PROVINCE, ROLES, type Role, type Viewer } from '../../functions/app/identity.ts';
import { InvalidInstantError, parseInstant } from '../../functions/core/instant.ts';
import { IdSchema } from '../../functions/schemas/events.ts';
import { DataFolderInUseError } from '../dynamo.ts';
import { UsageError } from '../errors.ts';
import { type LocalHttpServer, serveHttp } from '../server.ts';
import { type LocalStack, startLocalStack } from '../stack.ts';

/** How long a stop waits for the requests, then the work, under way (each): a few seconds in all. */
const GRACE_MS = 3_000;

/**
 * `dunghan serve [--port 3000] [--data <folder>] [--now <instant>] [--as <unitId> [--role viewer|head|province]]`:
 * the local stack on real time with its HTTP API on 127.0.0.1, every request signed in as a development identity
 * (default: the provincial office), so that the same scoping runs as behind the Cognito authorizer on AWS.
 * README, "When things fail": a stop (SIGTERM, SIGINT) stops accepting, answers what is under way, stops the
 * executions and closes the store, then exits 0; a second signal exits at once. At start, the executions of the open
 * dossiers found in the data folder are started again.
 */
export const serveCommand = {
  summary: 'run the local stack on real time with its API on 127.0.0.1, signed in as a development identity',
  usage:
    'dunghan serve [--port <n>] [--outbox <file.ndjson>] [--data <folder>] [--now <ISO instant>] [--as <unitId>] [--role <role>]',
  options: {
    port: { type: 'string' },
    outbox: { type: 'string' },
    data: { type: 'string' },
    as: { type: 'string' },
    role: { type: 'string' },
    now: { type: 'string' },
  },
  async run(values: Record<string, unknown>): Promise<void> {
    const port = values.port === undefined ? 3000 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError('--port', `"${String(values.port)}" is not a port number`);
    const as = developmentIdentity(values.as, values.role);
    // The clock reads --now at this moment and runs at real speed from there (try a deadline at any hour).
    let clockOffsetMs: number | undefined;
    if (typeof values.now === 'string') {
      try {
        clockOffsetMs = parseInstant(values.now) - Date.now();
      } catch (err) {
        if (err instanceof InvalidInstantError) throw new UsageError('--now', err.message);
        throw err;
      }
    }
    // The signals are handled before anything starts: one that comes during the start stops the server
    // once it is up, never kills it half-way.
    const stopped = stopSignal();
    const stack = await startLocalStack({
      printOutbox: true,
      logLevel: 'INFO',
      ...(typeof values.outbox === 'string' ? { outboxFile: values.outbox } : {}),
      ...(typeof values.data === 'string' ? { dataPath: values.data } : {}),
      ...(clockOffsetMs !== undefined ? { clockOffsetMs } : {}),
    }).catch((err: unknown) => {
      if (err instanceof DataFolderInUseError) throw new UsageError('--data', `${err.message} (one server per folder)`);
      throw err;
    });
    const dashboardDir = findDashboard();
    const http = await serveHttp(stack, port, '127.0.0.1', { as, ...(dashboardDir ? { dashboardDir } : {}) });
    console.log(
      dashboardDir ? `the dashboard: ${http.url}/` : 'no dashboard built (npm run build makes dist/dashboard)',
    );
    console.log(
      `dunghan serving on ${http.url}  (POST /events, GET /reports/units, /dossiers…; pid ${process.pid}) ` +
        `as ${as.role} ${as.unitId}; ` +
        'SMS go to the outbox below. Ctrl-C to stop.',
    );
    let stopping = false;
    const resumed = resume(stack, () => stopping);
    const signal = await stopped;
    stopping = true;
    await stop(signal, http, stack, resumed);
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

/** Resolves with the first SIGINT or SIGTERM; a second one ends the process at once. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first: NodeJS.Signals | null = null;
    const onSignal = (signal: NodeJS.Signals) => {
      if (first !== null) {
        console.log(`dunghan: ${signal} again: exiting now`);
        process.exit(128 + (constants.signals[signal] ?? 0));
      }
      first = signal;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** The executions of the stored open dossiers, started again in batches while the server already serves. */
async function resume(stack: LocalStack, stopping: () => boolean): Promise<void> {
  const started = performance.now();
  try {
    const r = await stack.resume({ stopping });
    if (r.watched === 0) return;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `dunghan: resumed ${r.resumed} of ${r.watched} open dossiers' executions in ${seconds} s` +
        (r.alive + r.leftToSweeper + r.errors > 0
          ? ` (${r.alive} running already, ${r.leftToSweeper} left to the sweeper, ${r.errors} errors: the sweeper retries)`
          : ''),
    );
  } catch (err) {
    console.log(`dunghan: resuming the open dossiers failed (${(err as Error).name}); the sweeper restarts them`);
  }
}

async function stop(signal: NodeJS.Signals, http: LocalHttpServer, stack: LocalStack, resumed: Promise<void>) {
  const started = performance.now();
  const requests = http.inFlight();
  const executions = stack.executions.stats.runningExecutions;
  console.log(`dunghan: ${signal}: stopping (${requests} requests under way, ${executions} executions open)`);
  const answered = await http.drain(GRACE_MS);
  const closed = await stack.close({ graceMs: GRACE_MS, processEnds: true });
  await resumed;
  const ms = Math.round(performance.now() - started);
  console.log(
    `dunghan: stopped in ${ms} ms` +
      (answered ? '' : '; requests still under way were cut off (clients send them again: events are idempotent)') +
      (closed ? '' : '; work still under way was left as a crash leaves it (the next start resumes it)'),
  );
  // The executions' timers (their waits, hours to days) die with the process: nothing else is left.
  process.exit(0);
}
