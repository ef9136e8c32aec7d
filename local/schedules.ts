import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Deps } from '../functions/app/ports.ts';
import { noRepairs, type SweepResult } from '../functions/app/sweeper.ts';
import { DAY_MS, dayOf, MINUTE_MS, startOfDay } from '../functions/core/instant.ts';
import { makeDeliveryStatus } from '../functions/handlers/delivery.ts';
import type { HandlerRuntime } from '../functions/handlers/runtime.ts';
import { makeDigest, makeSweep } from '../functions/handlers/tasks.ts';
import { deliveryLogEvent } from './delivery-log.ts';
import type { SimulatedStatus } from './outbox.ts';

export type SweepTotals = SweepResult & { runs: number; failedRuns: number };

/** How long after an SMS its delivery status is logged (SNS's dwell time is seconds). */
const DELIVERY_LOG_DELAY_MS = 5_000;

/**
 * The schedules of the cloud (EventBridge Scheduler, infra/constructs/schedules.ts) on the embedded stack's
 * clock, real or simulated: the daily digest, the sweeper every 15 minutes, and SNS's delivery status log
 * read seconds after each SMS. A failed run is retried twice, a minute apart, as the schedules' targets are
 * (retryAttempts: 2).
 */
export class LocalSchedules {
  /** What the sweeper runs found and repaired, summed. */
  readonly sweeps: SweepTotals = { runs: 0, failedRuns: 0, ...noRepairs() };
  /** Scheduled runs under way (the simulated clock waits for them; a stop lets them finish). */
  running = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;
  private readonly statusReports: SimulatedStatus[] = [];

  constructor(
    private readonly runtime: HandlerRuntime,
    private readonly deps: Deps,
    private readonly logger: Logger,
    sweepEveryMinutes: number,
  ) {
    this.scheduleDigest(makeDigest(runtime));
    if (sweepEveryMinutes > 0) this.scheduleSweep(makeSweep(runtime), sweepEveryMinutes * MINUTE_MS);
  }

  /** An SMS's simulated delivery status: the delivery status handler reads it from the log seconds later. */
  report(status: SimulatedStatus): void {
    this.statusReports.push(status);
  }

  /** Called after each delivery to the outbox: the statuses reported so far are logged together. */
  readonly flushStatuses = (): void => {
    if (this.statusReports.length === 0) return;
    const lines = this.statusReports.splice(0);
    const handler = makeDeliveryStatus(this.runtime);
    this.later(DELIVERY_LOG_DELAY_MS, () =>
      this.run(
        'delivery-status', // The raw subscription event: the handler's parser decodes awslogs.data (typed as decoded).
        () => handler(deliveryLogEvent(lines) as never, scheduledContext('delivery')),
        2,
        () => {},
      ),
    );
  };

  /** No run is scheduled any more (one under way finishes). */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private scheduleDigest(handler: ReturnType<typeof makeDigest>): void {
    const now = this.deps.now();
    let next = startOfDay(dayOf(now)) + this.deps.policy.defaults.digestAt * MINUTE_MS;
    if (next <= now) next += DAY_MS;
    this.later(next - now, () =>
      this.run(
        'digest',
        () => handler({}, scheduledContext('digest')),
        2,
        () => this.scheduleDigest(handler),
      ),
    );
  }

  private scheduleSweep(handler: ReturnType<typeof makeSweep>, everyMs: number): void {
    const once = async () => {
      this.sweeps.runs++;
      try {
        const r = await handler({}, scheduledContext('sweep'));
        for (const k of Object.keys(r) as (keyof SweepResult)[]) this.sweeps[k] += r[k];
      } catch (err) {
        this.sweeps.failedRuns++;
        throw err;
      }
    };
    this.later(everyMs - (this.deps.now() % everyMs), () =>
      this.run('sweep', once, 2, () => this.scheduleSweep(handler, everyMs)),
    );
  }

  private run(name: string, run: () => Promise<unknown>, retriesLeft: number, then: () => void): void {
    this.running++;
    run()
      .then(() => then())
      .catch((err: unknown) => {
        this.logger.error(`${name} failed`, { error: (err as Error).name });
        if (retriesLeft > 0) this.later(MINUTE_MS, () => this.run(name, run, retriesLeft - 1, then));
        else then();
      })
      .finally(() => this.running--);
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}

/** The Lambda context the local runtime hands its handlers (Powertools puts the request id in each log line). */
export function lambdaContext(functionName: string, request: number): Context {
  return { functionName: `dunghan-local-${functionName}`, awsRequestId: `local-${functionName}-${request}` } as Context;
}

let scheduledRuns = 0;
const scheduledContext = (name: string) => lambdaContext(name, ++scheduledRuns);
