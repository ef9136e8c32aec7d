import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { type RunOptions, StateMachine } from 'aws-local-stepfunctions';
import { executionName } from '../functions/app/execution-name.ts';
import type { ExecutionStatus, Executions } from '../functions/app/ports.ts';
import { DOSSIER_PATH_ASL, substitute, TASK_FUNCTIONS, type TaskFunction, taskStates } from '../workflows/index.ts';
import type { LocalTaskTokens } from './tokens.ts';
// Scalar paths without a stack trace each: see the module.
import './jsonpath-scalars.ts';

/** A Lambda handler as the local engine calls it (a middy handler takes the abort signal's options too). */
// biome-ignore lint/suspicious/noExplicitAny: each task's handler takes its own payload type.
export type LocalLambda = (payload: any, context: Context, options?: { signal?: AbortSignal }) => Promise<unknown>;

export interface EngineStats {
  executions: number;
  stateTransitions: number;
  lambdaInvocations: number;
  failedExecutions: number;
  runningExecutions: number;
  /** Executions that ended parked (the workflow's Parked state): each is followed by the dossier's next attempt. */
  parkedExecutions: number;
}

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type JsonValue = Awaited<ReturnType<LocalHandlers[string]>>;
/** One entry of an execution's event log (state entered/exited with its input and output, …). */
export type ExecutionEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** The top-level state an execution ends in when it parks (workflows/dossier-path.asl.json). */
const PARKED_STATE = 'Parked';
const LOCAL_ARN = (fn: string) => `arn:aws:lambda:ap-southeast-1:000000000000:function:dunghan-local-${fn}`;
const LAMBDA_CONTEXT = { functionName: 'dunghan-local', awsRequestId: 'local' } as Context;

/**
 * The dossier-path ASL run by aws-local-stepfunctions, every Task state bound to the same Lambda
 * handler in process (a Task without a local handler would call AWS: the constructor refuses that).
 */
export class LocalExecutions implements Executions {
  readonly stats: EngineStats = {
    executions: 0,
    stateTransitions: 0,
    lambdaInvocations: 0,
    failedExecutions: 0,
    runningExecutions: 0,
    parkedExecutions: 0,
  };
  /** Task handlers under way (the simulated clock waits for them). */
  inFlight = 0;
  /** Off by default: called with every event of every execution (the PII test searches them). */
  onExecutionEvent: ((dossierId: string, event: ExecutionEvent) => void) | null = null;
  /** Off by default: wall time in task handlers, and as Lambda bills it (each call rounded up to 1 ms). */
  handlerTiming: { invocations: number; ms: number; billedMs: number } | null = null;
  private readonly machine: StateMachine;
  private readonly localHandlers: LocalHandlers = {};
  private readonly started = new Set<string>();
  private readonly running = new Map<string, () => void>();
  private stopped = false;

  constructor(
    lambdas: Readonly<Record<TaskFunction, LocalLambda>>,
    private readonly tokens: LocalTaskTokens,
    private readonly logger: Logger,
  ) {
    const placeholders = Object.fromEntries(Object.keys(TASK_FUNCTIONS).map((p) => [p, LOCAL_ARN(p)]));
    this.machine = new StateMachine(JSON.parse(substitute(DOSSIER_PATH_ASL, placeholders)));
    for (const binding of taskStates()) {
      const lambda = lambdas[binding.fn];
      if (!lambda) throw new Error(`no local handler for Task state ${binding.stateName} (${binding.fn})`);
      this.localHandlers[binding.stateName] = binding.waitForTaskToken
        ? async (input) => (await this.waitForToken(lambda, input)) as JsonValue
        : async (input) => ({
            Payload: (await this.invoke(lambda, (input as { Payload: unknown }).Payload)) as JsonValue,
          });
    }
  }

  async start(dossierId: string, attempt = 1): Promise<'started' | 'exists'> {
    const name = executionName(dossierId, attempt);
    // A start refused while the stack stops is a service fault: the caller (a sweep) tries again later.
    if (this.stopped) throw Object.assign(stoppedError(), { name: 'ServiceUnavailable' });
    if (this.started.has(name)) return 'exists';
    this.started.add(name);
    this.stats.executions++;
    this.stats.runningExecutions++;
    const input = { dossierId };
    const execution = this.machine.run(input, {
      overrides: { taskResourceLocalHandlers: this.localHandlers },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: `local:${name}`, Name: name, Input: input, StartTime: new Date().toISOString() },
        Task: { Token: 'replaced-per-wait' },
      },
    });
    this.running.set(name, execution.abort);
    // Drain the event log (it keeps every event until read) and count the states entered.
    void (async () => {
      for await (const e of execution.eventLogs) {
        if (e.type === 'StateEntered') {
          this.stats.stateTransitions++;
          if (e.state.name === PARKED_STATE) this.stats.parkedExecutions++;
        }
        this.onExecutionEvent?.(dossierId, e);
      }
    })();
    execution.result
      .catch((err: unknown) => {
        // Refused its next task because the stack stops: it did not fail, the stack ends under it.
        if (this.stopped) return;
        this.stats.failedExecutions++;
        this.logger.error('execution failed', {
          dossierId,
          error: (err as Error).name,
          cause: String((err as { cause?: unknown }).cause ?? ''),
        });
      })
      .finally(() => {
        this.stats.runningExecutions--;
        this.running.delete(name);
      });
    return 'started';
  }

  async status(dossierId: string, attempt: number): Promise<ExecutionStatus> {
    const name = executionName(dossierId, attempt);
    return this.running.has(name) ? 'running' : this.started.has(name) ? 'ended' : 'missing';
  }

  /** The names of the executions running now. */
  runningNames(): string[] {
    return [...this.running.keys()];
  }

  /** Stops one execution, as StopExecution does (false: it is not running). */
  abort(name: string): boolean {
    const abort = this.running.get(name);
    abort?.();
    return abort !== undefined;
  }

  /** Stops every execution still waiting (end of a replay). */
  abortAll(): void {
    for (const abort of this.running.values()) abort();
  }

  /** The stack stops: every execution is stopped and no new one starts (a task under way finishes). */
  stop(): void {
    this.refuseTasks();
    this.abortAll();
  }

  /** No execution starts and no task runs from now on (a task under way finishes). */
  refuseTasks(): void {
    this.stopped = true;
  }

  private async invoke(lambda: LocalLambda, payload: unknown): Promise<unknown> {
    // A stopped execution's Map may still move to its next item (an aborted iteration ends as if it
    // succeeded): nothing more runs once the stack stops.
    if (this.stopped) throw stoppedError();
    this.stats.lambdaInvocations++;
    this.inFlight++;
    const timing = this.handlerTiming;
    const started = timing ? performance.now() : 0;
    try {
      return await lambda(payload, LAMBDA_CONTEXT);
    } finally {
      this.inFlight--;
      if (timing) {
        const ms = performance.now() - started;
        timing.invocations++;
        timing.ms += ms;
        timing.billedMs += Math.max(1, Math.ceil(ms));
      }
    }
  }

  private async waitForToken(lambda: LocalLambda, input: unknown): Promise<Record<string, unknown>> {
    if (this.stopped) throw stoppedError();
    const payload = (input as { Payload: { dossierId: string; stepId: string; timeoutSeconds: number } }).Payload;
    const token = this.tokens.newToken(payload.dossierId, payload.stepId);
    const answer = this.tokens.park(token, payload.timeoutSeconds);
    // An execution stopped or failed while waiting no longer listens: a late answer is dropped, as on AWS.
    answer.catch(() => undefined);
    await this.invoke(lambda, { ...payload, token });
    return answer;
  }
}

/** What a task is failed with once the stack stops (no Retry or Catch of the workflow names it). */
function stoppedError(): Error {
  return Object.assign(new Error('the local engine is stopping'), { name: 'Dunghan.Stopped' });
}
