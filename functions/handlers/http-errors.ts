import type middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  ActionRefusedError,
  DossierNotFoundError,
  EventConflictError,
  ForbiddenError,
  InvalidInputError,
  UnauthenticatedError,
  UnprocessableEventError,
} from '../app/errors.ts';
import type { Logger } from '../app/ports.ts';

/** A body over the API's limit, refused before it is parsed. */
export class PayloadTooLargeError extends Error {
  override readonly name = 'Dunghan.PayloadTooLarge';
  constructor(readonly maxBytes: number) {
    super(`the body must be at most ${maxBytes} bytes`);
  }
}

/** No route for the method and path. */
export class RouteNotFoundError extends Error {
  override readonly name = 'Dunghan.RouteNotFound';
  constructor(
    readonly method: string,
    readonly path: string,
  ) {
    super(`no route ${method} ${path}`);
  }
}

export const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

/**
 * The one mapper from service errors to HTTP answers: the field and the reason for a refusal, and
 * nothing internal for a failure (ids only in the log; the caller is told to send the event again).
 */
export function toHttpResponse(err: unknown, logger: Logger, path: string): APIGatewayProxyResult {
  if (err instanceof InvalidInputError) return json(400, { error: err.code, field: err.field, reason: err.reason });
  if (err instanceof PayloadTooLargeError) {
    return json(413, { error: 'invalid_event', field: '(body)', reason: `must be at most ${err.maxBytes} bytes` });
  }
  if (err instanceof EventConflictError)
    return json(409, { error: 'conflict', eventId: err.eventId, reason: err.reason });
  if (err instanceof UnprocessableEventError) {
    return json(422, { error: 'unprocessable', eventId: err.eventId, field: err.field, reason: err.reason });
  }
  if (err instanceof UnauthenticatedError) return json(401, { error: 'unauthenticated', reason: err.message });
  if (err instanceof ForbiddenError) return json(403, { error: 'forbidden', reason: err.message });
  if (err instanceof ActionRefusedError) return json(409, { error: 'refused', field: err.field, reason: err.reason });
  if (err instanceof DossierNotFoundError || err instanceof RouteNotFoundError) {
    return json(404, { error: 'not_found', reason: err.message });
  }
  logger.error('request failed', { path, error: (err as Error).name });
  return json(500, {
    error: 'internal',
    reason: 'internal error; send the same event again (events are idempotent by eventId)',
  });
}

export function httpErrors(logger: Logger): middy.MiddlewareObj<{ path: string }, APIGatewayProxyResult> {
  return {
    onError: (request) => {
      request.response = toHttpResponse(request.error, logger, request.event.path);
    },
  };
}
