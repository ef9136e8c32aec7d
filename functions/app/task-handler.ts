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
]);

/** Maps errors in one place (STYLE.md habit 4): transient ones become retryable for the workflow. */
export function mapTaskError(err: unknown): Error {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (TRANSIENT.has(e.name ?? '') || (e.$metadata?.httpStatusCode ?? 0) >= 500) {
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
