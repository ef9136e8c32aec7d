import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { route } from '../functions/api.ts';
import type { Deps } from '../functions/app/deps.ts';
import type { PolicyFile } from '../functions/schemas/policy.ts';
import { loadCalendar, loadCatalogue, loadPolicy } from '../functions/reference/data.ts';
import { makeCheckpoint, makeDigest, makeFinalize, makeNotify, makePlan, makeRegisterWait, makeStartStage } from '../functions/tasks.ts';
import { DAY_MS, MINUTE_MS, dayOf, startOfDay } from '../functions/core/instant.ts';
import type { TaskFunction } from '../workflows/index.ts';
import { startLocalStore } from './dynamo.ts';
import { LocalExecutions, type LocalLambda } from './engine.ts';
import { Outbox } from './outbox.ts';
import { SimulatedClock } from './sim-clock.ts';
import { LocalTaskTokens } from './tokens.ts';

export interface LocalStackOptions {
  /** Start the simulated clock at this instant; without it the stack runs on real time. */
  simulatedStart?: number;
  outboxFile?: string;
  printOutbox?: boolean;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  province?: string;
  catalogue?: string;
  policy?: PolicyFile;
  /** Keep the local table in this folder (LevelDB) instead of memory. */
  dataPath?: string;
  /**
   * Called once when the stack is up, before any event: tests and benches attach their observers
   * (execution event log, handler timing, store middleware). Off by default.
   */
  observe?: (stack: LocalStack) => void;
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
}

export interface LocalStack {
  deps: Deps;
  executions: LocalExecutions;
  tokens: LocalTaskTokens;
  outbox: Outbox;
  clock: SimulatedClock | null;
  /** The intake API's routes, exactly as API Gateway would call them. */
  request(method: 'GET' | 'POST', path: string, body?: string): Promise<APIGatewayProxyResult>;
  stats(): ReplayStats;
  close(): Promise<void>;
}

/**
 * The embedded stack: dynalite in process, the workflow on aws-local-stepfunctions with every Task
 * bound to the same handlers as on AWS, task tokens in memory, SMS to the outbox, and real or
 * simulated time. Nothing here touches the network beyond 127.0.0.1.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const local = await startLocalStore(options.dataPath ? { path: options.dataPath } : {});
  const logger = new Logger({ serviceName: 'dunghan-local', logLevel: options.logLevel ?? 'SILENT' });
  const tokens = new LocalTaskTokens();
  const outbox = new Outbox({ ...(options.outboxFile ? { file: options.outboxFile } : {}), print: options.printOutbox ?? false });
  let clock: SimulatedClock | null = null;
  const deps: Deps = {
    store: local.store,
    callbacks: tokens,
    executions: { start: (id) => executions.start(id) },
    notifier: outbox,
    calendar: loadCalendar(options.province),
    catalogue: loadCatalogue(options.catalogue),
    policy: options.policy ?? loadPolicy(),
    now: () => Date.now(),
    logger,
    unitCache: new Map(),
  };
  const getDeps = () => deps;
  const lambdas: Record<TaskFunction, LocalLambda> = {
    PlanFunctionArn: makePlan(getDeps),
    StartStageFunctionArn: makeStartStage(getDeps),
    RegisterWaitFunctionArn: makeRegisterWait(getDeps),
    CheckpointFunctionArn: makeCheckpoint(getDeps),
    NotifyFunctionArn: makeNotify(getDeps),
    FinalizeFunctionArn: makeFinalize(getDeps),
  };
  const executions = new LocalExecutions(lambdas, tokens, logger);
  let scheduledRunning = 0;
  // Installed after dynalite and the table are up, so that their set-up runs on real timers.
  if (options.simulatedStart !== undefined) {
    clock = new SimulatedClock(options.simulatedStart, { busy: () => local.store.stats.inFlight + executions.inFlight + scheduledRunning });
  }
  // The schedules of the cloud (EventBridge Scheduler): the daily digest, on this stack's clock.
  const digestHandler = makeDigest(getDeps);
  let digestTimer: ReturnType<typeof setTimeout> | undefined;
  const scheduleDigest = () => {
    const now = Date.now();
    let next = startOfDay(dayOf(now)) + deps.policy.defaults.digestAt * MINUTE_MS;
    if (next <= now) next += DAY_MS;
    digestTimer = setTimeout(() => {
      scheduledRunning++;
      digestHandler({}, {} as never)
        .catch((err: unknown) => logger.error('digest failed', { error: (err as Error).name }))
        .finally(() => {
          scheduledRunning--;
          scheduleDigest();
        });
    }, next - now);
  };
  scheduleDigest();
  const stack: LocalStack = {
    deps,
    executions,
    tokens,
    outbox,
    clock,
    request: (method, path, body) => route(deps, { httpMethod: method, path, body: body ?? null, isBase64Encoded: false }),
    stats: () => ({
      executions: executions.stats.executions,
      stateTransitions: executions.stats.stateTransitions,
      lambdaInvocations: executions.stats.lambdaInvocations,
      storeReads: local.store.stats.reads,
      storeWrites: local.store.stats.writes,
      openExecutions: executions.stats.runningExecutions,
      failedExecutions: executions.stats.failedExecutions,
    }),
    async close() {
      clearTimeout(digestTimer);
      executions.abortAll();
      if (clock) {
        await clock.settle();
        clock.uninstall();
      }
      await local.close();
    },
  };
  options.observe?.(stack);
  return stack;
}
