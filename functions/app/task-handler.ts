import middy from '@middy/core';
import type { z } from 'zod';
import { describeZodError } from '../schemas/errors.ts';
import type { Deps } from './deps.ts';

/** A task's input did not match its schema: a bug in the workflow definition, never retried. */
export class InvalidTaskInputError extends Error {
  override readonly name = 'Dunghan.InvalidInput';
}

/** A store or service hiccup worth retrying: the workflow's Retry policies name this error. */
export class TransientError extends Error {
  override readonly name = 'Dunghan.Transient';
}

const TRANSIENT = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'ThrottledException',
  'InternalErrorException',
  'TimeoutError',
  // SNS names its throttling and server faults so (an SMS send that outlived the adapter's retries).
  'Throttling',
  'InternalFailure',
  'KMSThrottlingException',
]);

/** A store or service error worth retrying (throttling, a server fault, a time-out). */
export function isTransientError(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  const status = e?.$metadata?.httpStatusCode ?? 0;
  return TRANSIENT.has(e?.name ?? '') || status >= 500 || status === 429;
}

/** Maps errors in one place: transient ones become retryable for the workflow. */
export function mapTaskError(err: unknown): Error {
  const e = err as { name?: string; message?: string };
  if (isTransientError(err)) {
    return new TransientError(`${e.name ?? 'Error'}: ${e.message ?? ''}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * A workflow Task's Lambda handler: validate the payload, run the service, map errors. `make` takes
 * the dependencies so the local runtime runs the very same handler with its own adapters.
 */
export function taskHandler<S extends z.ZodType, R>(schema: S, run: (deps: Deps, input: z.output<S>) => Promise<R>) {
  return (getDeps: () => Deps) =>
    middy<unknown, R>().handler(async (event: unknown) => {
      const parsed = schema.safeParse(event);
      if (!parsed.success) throw new InvalidTaskInputError(describeZodError(parsed.error));
      try {
        return await run(getDeps(), parsed.data);
      } catch (err) {
        throw mapTaskError(err);
      }
    });
}
