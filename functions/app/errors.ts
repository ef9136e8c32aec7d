/**
 * The error model of the services. They return domain results or throw these; one mapper per boundary
 * turns them into answers: functions/handlers/http-errors.ts (HTTP) and
 * functions/handlers/task-errors.ts (the workflow's error names). Nothing else maps errors.
 */

/** Input that does not match its contract: the field and the reason (HTTP 400). */
export class InvalidInputError extends Error {
  override readonly name = 'Dunghan.InvalidInput';
  constructor(
    readonly field: string,
    readonly reason: string,
    /** `invalid_event` for an event's body, `invalid_request` for a request's other parts. */
    readonly code: 'invalid_event' | 'invalid_request' = 'invalid_event',
  ) {
    super(`${field}: ${reason}`);
  }
}

/** An eventId already used for a different event (HTTP 409). */
export class EventConflictError extends Error {
  override readonly name = 'Dunghan.EventConflict';
  readonly reason = 'this eventId was already used for a different event';
  constructor(readonly eventId: string) {
    super(`event ${eventId}: this eventId was already used for a different event`);
  }
}

/** A well-formed event that cannot be processed: an unknown procedure, an instant the calendar cannot count (422). */
export class UnprocessableEventError extends Error {
  override readonly name = 'Dunghan.Unprocessable';
  constructor(
    readonly eventId: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`event ${eventId}: ${field}: ${reason}`);
  }
}

export class DossierNotFoundError extends Error {
  override readonly name = 'Dunghan.DossierNotFound';
}

/** A stored record no longer parses: data corruption, never a client error, never retried. */
export class StoredDataError extends Error {
  override readonly name = 'Dunghan.StoredDataError';
}

/** A store or service hiccup worth retrying: the workflow's Retry policies name this error. */
export class TransientError extends Error {
  override readonly name = 'Dunghan.Transient';
}

/** A task's input did not match its schema: a bug in the workflow definition, never retried. */
export class InvalidTaskInputError extends Error {
  override readonly name = 'Dunghan.InvalidInput';
}

/** The error a wait is failed with to make its step re-evaluate its checkpoint now (resume, reschedule). */
export const RECHECK_ERROR = 'Dunghan.Recheck';

const TRANSIENT = new Set([
  // DynamoDB
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'TransactionConflictException',
  // SNS (throttling and server faults)
  'ThrottledException',
  'Throttling',
  'InternalErrorException',
  'InternalFailure',
  'KMSThrottlingException',
  // Any service, and the SDK itself
  'ServiceUnavailable',
  'TimeoutError',
]);

/**
 * The one classifier of errors worth retrying (throttling, a server fault, a time-out), used by the
 * task handlers, the notice sender and the SNS adapter.
 */
export function isTransientError(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  const status = e?.$metadata?.httpStatusCode ?? 0;
  return TRANSIENT.has(e?.name ?? '') || status >= 500 || status === 429;
}

/** A request with no signed-in user where one is needed (HTTP 401). */
export class UnauthenticatedError extends Error {
  override readonly name = 'Dunghan.Unauthenticated';
}

/** The signed-in user's unit does not cover what was asked, or their role may not act (HTTP 403). */
export class ForbiddenError extends Error {
  override readonly name = 'Dunghan.Forbidden';
}

/** An action the dossier's state refuses: a second reschedule, an escalation already acknowledged (HTTP 409). */
export class ActionRefusedError extends Error {
  override readonly name = 'Dunghan.ActionRefused';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
