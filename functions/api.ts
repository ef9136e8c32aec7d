import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { awsDeps } from './adapters/aws.ts';
import type { Deps } from './app/deps.ts';
import { DossierNotFoundError } from './app/dossiers.ts';
import { getDossierSheet, ingestEvent } from './app/intake.ts';
import { IdSchema } from './schemas/events.ts';

/**
 * The intake API (API Gateway REST, and the same routes on the local server):
 *   POST /events          one event (the contract in functions/schemas/events.ts)
 *   GET  /dossiers/{id}   the dossier's control sheet (Form 06) now
 */

/** Bodies over this size are refused before parsing (API Gateway allows 10 MB; an event is small). */
export const MAX_BODY_BYTES = 64 * 1024;

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

export async function route(deps: Deps, event: Pick<APIGatewayProxyEvent, 'httpMethod' | 'path' | 'body' | 'isBase64Encoded'>): Promise<APIGatewayProxyResult> {
  try {
    if (event.httpMethod === 'POST' && event.path === '/events') {
      const raw = event.body === null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
        return json(413, { error: 'invalid_event', field: '(body)', reason: `must be at most ${MAX_BODY_BYTES} bytes` });
      }
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return json(400, { error: 'invalid_event', field: '(body)', reason: 'is not valid JSON' });
      }
      const result = await ingestEvent(deps, body);
      return json(result.status, result.body);
    }
    const m = /^\/dossiers\/([^/]+)$/.exec(event.path);
    if (event.httpMethod === 'GET' && m) {
      let raw: string;
      try {
        raw = decodeURIComponent(m[1]!);
      } catch {
        return json(400, { error: 'invalid_request', field: 'id', reason: 'is not valid percent-encoding' });
      }
      const id = IdSchema.safeParse(raw);
      if (!id.success) return json(400, { error: 'invalid_request', field: 'id', reason: id.error.issues[0]!.message });
      return json(200, await getDossierSheet(deps, id.data));
    }
    return json(404, { error: 'not_found', reason: `no route ${event.httpMethod} ${event.path}` });
  } catch (err) {
    if (err instanceof DossierNotFoundError) return json(404, { error: 'not_found', reason: err.message });
    // Ids only in logs; the caller learns nothing internal.
    deps.logger.error('request failed', { path: event.path, error: (err as Error).name });
    return json(500, { error: 'internal', reason: 'internal error; send the same event again (events are idempotent by eventId)' });
  }
}

export const makeApiHandler = (getDeps: () => Deps) =>
  middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler((event) => route(getDeps(), event));

export const handler = makeApiHandler(awsDeps);
