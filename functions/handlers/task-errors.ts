import type middy from '@middy/core';
import { InvalidTaskInputError, isTransientError, TransientError } from '../app/errors.ts';

/**
 * The one mapper from service errors to the workflow's error names: a task input the parser refused
 * is Dunghan.InvalidInput (a bug in the definition, never retried); a transient store or service error
 * is Dunghan.Transient (the ASL's Retry policies name it); any other error is the function's own.
 */
export function toWorkflowError(err: unknown): Error {
  const e = err as { name?: string; message?: string } | null;
  if (e?.name === 'ParseError') return new InvalidTaskInputError(describeParseError(err));
  if (isTransientError(err)) return new TransientError(`${e?.name ?? 'Error'}: ${e?.message ?? ''}`);
  return err instanceof Error ? err : new Error(String(err));
}

/** The parser's refusal as one line (field and reason), from the zod issues it carries as its cause. */
function describeParseError(err: unknown): string {
  // The parser's cause is the schema's issues (Standard Schema), or a ZodError carrying them.
  const cause = (err as { cause?: unknown }).cause;
  const issues = Array.isArray(cause) ? cause : (cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return 'the task input does not match its schema';
  return issues
    .slice(0, 3)
    .map(
      (i: { path?: PropertyKey[]; message?: string }) =>
        `${i.path?.length ? i.path.join('.') : '(root)'}: ${i.message ?? 'invalid'}`,
    )
    .join('; ');
}

export function workflowErrors(): middy.MiddlewareObj {
  return {
    onError: (request) => {
      request.error = toWorkflowError(request.error);
    },
  };
}
