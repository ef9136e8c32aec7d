import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { DynamoStore } from '../functions/adapters/dynamodb/store.ts';
import { LOCAL_PROVINCE, type Viewer } from '../functions/app/identity.ts';
import type { Deps, Notifier } from '../functions/app/ports.ts';
import { type ResumeOptions, type ResumeResult, resumeExecutions } from '../functions/app/resume.ts';
import { makeApiHandler } from '../functions/handlers/api.ts';
import type { HandlerRuntime } from '../functions/handlers/runtime.ts';
import { workflowTaskHandlers } from '../functions/handlers/tasks.ts';
import { loadCalendar, loadCatalogue, loadFeedSettings, loadPolicy } from '../functions/reference/data.ts';
import type { PolicyFile } from '../functions/schemas/policy.ts';
import type { TaskFunction } from '../workflows/index.ts';
import { apiGatewayEvent } from './api-event.ts';
import { startLocalStore } from './dynamo.ts';
import { LocalExecutions, type LocalLambda } from './engine.ts';
import { Outbox } from './outbox.ts';
import { LocalSchedules, lambdaContext, type SweepTotals } from './schedules.ts';
import { SimulatedTime } from './simulated-time.ts';
import { forgetUnitReadsOnWrite, localParking } from './stack-deps.ts';
import { LocalTaskTokens } from './tokens.ts';

export interface LocalStackOptions {
  /** Start the simulated clock at this instant; without it the stack runs on real time. */
  simulatedStart?: number;
  /** Real time shifted by this many milliseconds (a clock that reads another instant, at real speed). */
  clockOffsetMs?: number;
  outboxFile?: string;
  printOutbox?: boolean;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  province?: string;
  catalogue?: string;
  policy?: PolicyFile;
  /** The national portal feed's settings (data/feeds/). @default 'vn-default' */
  feed?: string;
  /** Keep the local table in this folder (LevelDB) instead of memory. */
  dataPath?: string;
  /**
   * How long a unit read is kept: by default until a unit is written (this process holds the store);
   * the cost bench gives Lambda's UNIT_CACHE_MS, to count the reads AWS would make.
   */
  unitCacheMs?: number;
  /**
   * Called once when the stack is up, before any event: tests and benches attach their observers
   * (execution event log, handler timing, store middleware). Off by default.
   */
  observe?: (stack: LocalStack) => void;
  /** The SMS adapter; default: the outbox (nothing leaves the machine). */
  notifier?: Notifier;
  /** Wraps each Task function as the engine calls it (tracing, injected faults). */
  wrapTask?: (fn: TaskFunction, lambda: LocalLambda) => LocalLambda;
  /**
   * Park executions whose waits are all longer than this (the policy's `operations.parkAfterMinutes`, which
   * decides on AWS); null: never. The embedded stack parks by default: its executions live in memory, and
   * outcomes and notices are the same either way (tests/workflow/differential.test.ts). No stack without a
   * sweeper parks (nothing would start it again). @default LOCAL_PARK_AFTER_MINUTES
   */
  parkAfterMinutes?: number | null;
  /** Minutes between sweeper runs, as the cloud's schedule; 0: no sweeper. @default 15 */
  sweepEveryMinutes?: number;
  /**
   * Simulated SMS delivery statuses: the outbox reports each SMS to the delivery status handler, as SNS's
   * delivery status logs would (seconds later), failing this share of them. Off when not given.
   */
  deliveryFailureShare?: number;
}

export interface ReplayStats {
  executions: number;
  stateTransitions: number;
  lambdaInvocations: number;
  storeReads: number;
  storeWrites: number;
  /** Executions still waiting (open dossiers) and executions that failed. */
  openExecutions: number;
  failedExecutions: number;
  /** Executions that ended parked at a long wait; each dossier's next attempt starts from the store. */
  parkedExecutions: number;
  /** Dossiers the sweeper gave up restarting (their execution kept dying), with the reason on the dossier. */
  quarantinedDossiers: number;
}

export interface LocalStack {
  deps: Deps;
  /** The store as this stack built it (its table client, for tests and benches that read the table). */
  store: DynamoStore;
  executions: LocalExecutions;
  tokens: LocalTaskTokens;
  outbox: Outbox;
  /** The simulated time (fake Date and timers), when the stack runs on it. */
  time: SimulatedTime | null;
  /** What the sweeper runs found and repaired, summed. */
  sweeps: SweepTotals;
  /**
   * The API's routes, exactly as API Gateway would call them; `path` may carry a query. The signed-in user is the
   * development identity `as` (default the provincial office; null: no one, as an unsigned request).
   */
  request(
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    options?: { as?: Viewer | null },
  ): Promise<APIGatewayProxyResult>;
  /** The API's Lambda handler, called with an API Gateway event. */
  invokeApi(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult>;
  stats(): ReplayStats;
  /** Starts again every open dossier's execution that is not running (a process that starts on stored data). */
  resume(options?: Pick<ResumeOptions, 'stopping'>): Promise<ResumeResult>;
  /**
   * Stops: the schedules, every execution (a task under way finishes: a notice being sent is settled),
   * then closes the store once no call is in flight. Work still under way after `graceMs` is left as a
   * crash would leave it (the store is not closed under it): `false`. With `processEnds`, the caller
   * exits right after: no further task starts, but the executions are not stopped one by one (about
   * half a millisecond each; their timers die with the process).
   */
  close(options?: { graceMs?: number; processEnds?: boolean }): Promise<boolean>;
}

export type { SweepTotals } from './schedules.ts';

/**
 * The embedded stack: dynalite in process, the workflow on aws-local-stepfunctions with every Task
 * bound to the same handlers as on AWS, task tokens in memory, SMS to the outbox, and real or
 * simulated time. Nothing here touches the network (the store is called in process).
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const local = await startLocalStore(options.dataPath ? { path: options.dataPath } : {});
  const logger = new Logger({ serviceName: 'dunghan-local', logLevel: options.logLevel ?? 'SILENT' });
  const tokens = new LocalTaskTokens();
  const outbox = new Outbox({
    ...(options.outboxFile ? { file: options.outboxFile } : {}),
    print: options.printOutbox ?? false,
    ...(options.deliveryFailureShare !== undefined
      ? { statuses: { failureShare: options.deliveryFailureShare, report: (s) => schedules.report(s) } }
      : {}),
  });
  let clock: SimulatedTime | null = null;
  const offset = options.clockOffsetMs ?? 0;
  const now = () => Date.now() + offset;
  const deps: Deps = {
    store: local.store,
    callbacks: tokens,
    executions: {
      start: (id, attempt) => executions.start(id, attempt),
      status: (id, attempt) => executions.status(id, attempt),
    },
    notifier: options.notifier ?? outbox,
    calendar: loadCalendar(options.province),
    catalogue: loadCatalogue(options.catalogue),
    policy: localParking(options.policy ?? loadPolicy(), options),
    feed: loadFeedSettings(options.feed),
    now,
    logger,
    unitCache: new Map(),
    unitList: null,
    // This process holds the store (below: every unit write forgets the reads), so a read stays good.
    unitCacheMs: options.unitCacheMs ?? Number.POSITIVE_INFINITY,
  };
  forgetUnitReadsOnWrite(local.store, deps);
  // The same handlers as the Lambda functions, on this stack's adapters.
  const runtime: HandlerRuntime = { logger, deps: () => deps };
  const lambdas: Record<TaskFunction, LocalLambda> = workflowTaskHandlers(runtime);
  if (options.wrapTask)
    for (const fn of Object.keys(lambdas) as TaskFunction[]) lambdas[fn] = options.wrapTask(fn, lambdas[fn]);
  const executions = new LocalExecutions(lambdas, tokens, logger);
  let resuming = 0;
  // Installed after dynalite and the table are up, so that their set-up runs on real timers.
  if (options.simulatedStart !== undefined) {
    clock = new SimulatedTime(options.simulatedStart, {
      busy: () => local.store.table.stats.inFlight + executions.inFlight + schedules.running,
    });
  }
  const startedAt = now();
  // After the clock: their timers are the clock's.
  const schedules = new LocalSchedules(runtime, deps, logger, options.sweepEveryMinutes ?? 15);
  const { sweeps } = schedules;
  outbox.onDeliver = schedules.flushStatuses;
  const apiHandler = makeApiHandler(runtime);
  let requests = 0;
  const invokeApi = (event: APIGatewayProxyEvent) => apiHandler(event, lambdaContext('api', ++requests));
  const stack: LocalStack = {
    deps,
    store: local.store,
    executions,
    tokens,
    outbox,
    time: clock,
    sweeps,
    request: (method, path, body, options) =>
      invokeApi(
        apiGatewayEvent(method, path, body ?? null, {
          identity: options?.as === undefined ? LOCAL_PROVINCE : options.as,
        }),
      ),
    invokeApi,
    stats: () => ({
      executions: executions.stats.executions,
      stateTransitions: executions.stats.stateTransitions,
      lambdaInvocations: executions.stats.lambdaInvocations,
      storeReads: local.store.table.stats.reads,
      storeWrites: local.store.table.stats.writes,
      openExecutions: executions.stats.runningExecutions,
      failedExecutions: executions.stats.failedExecutions,
      parkedExecutions: executions.stats.parkedExecutions,
      quarantinedDossiers: sweeps.quarantined,
    }),
    resume: async (resumeOptions) => {
      resuming++;
      try {
        return await resumeExecutions(deps, {
          stopping: () => schedules.isClosed || (resumeOptions?.stopping?.() ?? false),
          // One process holds the store (dynalite's data folder is locked): older claims are its predecessor's.
          soleSenderSince: startedAt,
          // A batch reaches its waits (a few task calls each) before the next starts: requests keep their pace.
          betweenBatches: async () => {
            if (clock) await clock.settle();
            else await until(() => executions.inFlight <= 5, 5_000);
          },
        });
      } finally {
        resuming--;
      }
    },
    async close(closeOptions = {}) {
      schedules.close();
      const busy = () => local.store.table.stats.inFlight + executions.inFlight + schedules.running + resuming;
      let idle = true;
      if (clock) {
        executions.stop();
        tokens.close();
        await clock.settle();
        clock.uninstall();
      } else {
        // A sweep or digest under way, and the tasks under way, finish first: their sends are settled.
        idle = await until(() => schedules.running === 0, closeOptions.graceMs ?? 5_000);
        if (closeOptions.processEnds) executions.refuseTasks();
        else {
          executions.stop();
          tokens.close();
        }
        idle = (await until(() => busy() === 0, closeOptions.graceMs ?? 5_000)) && idle;
      }
      if (idle) await local.close();
      else logger.warn('stack closed with work under way: the store is left as a crash leaves it', { busy: busy() });
      return idle;
    },
  };
  options.observe?.(stack);
  return stack;
}

/** Resolves true once `done()` holds, false when `ms` passed first (polled on real timers). */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (!done()) {
    if (performance.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}
