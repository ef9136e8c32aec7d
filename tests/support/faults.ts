import { AsyncLocalStorage } from 'node:async_hooks';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import type { DynamoStore } from '../../functions/adapters/dynamodb/store.ts';
import { SnsNotifier } from '../../functions/adapters/sns.ts';
import type { Notifier } from '../../functions/app/ports.ts';
import type { LocalExecutions, LocalLambda } from '../../local/engine.ts';
import { seededRandom } from '../../local/tools/random.ts';
import type { TaskFunction } from '../../workflows/index.ts';

/**
 * Faults injected into the embedded stack, from one seeded schedule: at the SDK edges (SNS through
 * aws-sdk-client-mock, DynamoDB through a middleware on the store's client) and around the local
 * adapters (task functions that crash after their writes, executions stopped mid-way).
 */

export interface FaultRates {
  /** Share of SNS Publish calls answered with throttling (400) or a server fault (5xx), half each. */
  sns: number;
  /** Share of DynamoDB calls throttled before they reach the table. */
  dynamoThrottle: number;
  /** Share of conditional writes that lose a race: the same write lands first from another writer. */
  conditionalRace: number;
  /** Share of task invocations that crash after their writes, before answering. */
  crash: number;
  /** Of those crashes, the share the workflow cannot retry (the execution fails: Runtime.ExitError). */
  fatalCrashShare: number;
}

export const FAULT_KINDS = [
  'snsThrottled',
  'sns5xx',
  'dynamoThrottled',
  'conditionalRaces',
  'crashesRetried',
  'crashesFatal',
  'executionsAborted',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export class FaultPlan {
  /** Off while the test reads the store or sets up. */
  enabled = false;
  readonly injected: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<
    FaultKind,
    number
  >;
  private readonly random: () => number;

  constructor(
    seed: number,
    readonly rates: FaultRates,
  ) {
    this.random = seededRandom(seed);
  }

  /** Draws a fault of probability p (never while disabled). */
  chance(p: number): boolean {
    return this.enabled && p > 0 && this.random() < p;
  }

  pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.random() * items.length)];
  }

  /** What happened when, by dossier (for a failing test's message). */
  readonly trace: string[] = [];

  count(kind: FaultKind, detail = ''): void {
    this.injected[kind]++;
    if (detail) this.trace.push(`${new Date().toISOString()} ${kind} ${detail}`);
  }
}

const awsError = (name: string, status: number, message: string) =>
  Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });

/**
 * The real SNS adapter over a mocked SNSClient that throttles or fails a share of Publish calls. Counts,
 * per notice id, the SMS publishes SNS accepted: "sent exactly once" is measured at the SDK edge.
 */
export function faultySms(plan: FaultPlan): { notifier: Notifier; accepted: Map<string, number>; restore(): void } {
  const sns = mockClient(SNSClient);
  const accepted = new Map<string, number>();
  const current = new AsyncLocalStorage<string>();
  let seq = 0;
  sns.on(PublishCommand).callsFake((input: { PhoneNumber?: string }) => {
    if (plan.chance(plan.rates.sns)) {
      if (plan.chance(0.5) || !plan.enabled) {
        plan.count('snsThrottled');
        throw awsError('Throttling', 400, 'Rate exceeded');
      }
      plan.count('sns5xx');
      throw awsError('InternalFailure', 500, 'Internal failure');
    }
    if (input.PhoneNumber) {
      const noticeId = current.getStore() ?? '(unknown)';
      accepted.set(noticeId, (accepted.get(noticeId) ?? 0) + 1);
    }
    return { MessageId: `m-${++seq}` };
  });
  const inner = new SnsNotifier(
    new SNSClient({ region: 'ap-southeast-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    {
      senderId: 'DUNGHAN',
      escalationTopicArn: 'arn:aws:sns:ap-southeast-1:111122223333:escalations',
      // The adapter's backoff without timers: the simulated clock waits for handlers, not the reverse.
      sleep: async () => {},
    },
  );
  return {
    notifier: {
      deliver: (m) => current.run(m.noticeId, () => inner.deliver(m)),
      publish: (m) => current.run(m.noticeId, () => inner.publish(m)),
    },
    accepted,
    restore: () => sns.restore(),
  };
}

/** Throttling and lost conditional races on every DynamoDB call of the store. */
export function injectStoreFaults(store: DynamoStore, plan: FaultPlan): void {
  store.table.doc.middlewareStack.add(
    (next) => async (args) => {
      if (plan.chance(plan.rates.dynamoThrottle)) {
        plan.count('dynamoThrottled');
        throw awsError(
          'ProvisionedThroughputExceededException',
          400,
          'The level of configured provisioned throughput for the table was exceeded.',
        );
      }
      const input = args.input as { ConditionExpression?: string };
      if (input.ConditionExpression && plan.chance(plan.rates.conditionalRace)) {
        // Another writer makes the very same write first: this one then meets its condition failed.
        plan.count('conditionalRaces');
        await next(args).catch(() => undefined);
      }
      return next(args);
    },
    // After the store's counters, before the local stack's in-process path (low), which answers without next.
    { step: 'initialize', name: 'dunghanInjectedFaults', priority: 'normal' },
  );
}

/**
 * Task functions that crash after their writes, before answering (Lambda.ServiceException is retried by the ASL;
 * Runtime.ExitError fails the execution).
 */
export function crashingTasks(plan: FaultPlan): (fn: TaskFunction, lambda: LocalLambda) => LocalLambda {
  return (_fn, lambda) => async (payload, context) => {
    const out = await lambda(payload, context);
    if (plan.chance(plan.rates.crash)) {
      const fatal = plan.chance(plan.rates.fatalCrashShare);
      plan.count(fatal ? 'crashesFatal' : 'crashesRetried', `${_fn} ${JSON.stringify(payload)}`);
      const err = new Error('the function crashed after its writes, before answering');
      err.name = fatal ? 'Runtime.ExitError' : 'Lambda.ServiceException';
      throw err;
    }
    return out;
  };
}

/** Every `everyMs` of simulated time, stops one running execution picked by the schedule (StopExecution). */
export function abortExecutions(plan: FaultPlan, executions: LocalExecutions, everyMs: number): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const tick = () => {
    const name = plan.enabled ? plan.pick(executions.runningNames()) : undefined;
    if (name !== undefined && executions.abort(name)) plan.count('executionsAborted', name);
    timer = setTimeout(tick, everyMs);
  };
  timer = setTimeout(tick, everyMs);
  return () => clearTimeout(timer);
}
