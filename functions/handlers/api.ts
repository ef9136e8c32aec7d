import middy from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidInputError } from '../app/errors.ts';
import { ingestFeed } from '../app/feed.ts';
import { type IntakeOutcome, ingestEvent } from '../app/intake.ts';
import { getDossierSheet } from '../app/sheet.ts';
import { DVCQG_SERVICES } from '../schemas/dvcqg.ts';
import { IdSchema } from '../schemas/events.ts';
import { httpErrors, json, PayloadTooLargeError, RouteNotFoundError } from './http-errors.ts';
import { type HandlerRuntime, observed } from './runtime.ts';

/**
 * The intake API (API Gateway REST on AWS; the local server sends the same events to the same handler):
 *   POST /events          one event (the contract in functions/schemas/events.ts)
 *   GET  /dossiers/{id}   the dossier's control sheet (Form 06) now, with the feed's findings
 *   POST /dvcqg/DongBoHoSoMC, /dvcqg/CapNhatTienDoHoSoMC   the national portal's feed (docs/law.md §7)
 */

/** Bodies over this size are refused before parsing (API Gateway allows 10 MB; an event is small; the feed batches). */
export const MAX_BODY_BYTES = 64 * 1024;

/** API Gateway's REST event (the local server builds the same). */
type ApiEvent = APIGatewayProxyEvent;

/** Refuses bytes that are not UTF-8 rather than reading them as U+FFFD (a name or reason silently changed). */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes and parses a JSON body within the size limit. */
function jsonBody(event: ApiEvent, maxBytes: number): unknown {
  let raw = event.body ?? '';
  if (event.body !== null && event.isBase64Encoded) {
    const bytes = Buffer.from(event.body, 'base64');
    if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
    try {
      raw = utf8.decode(bytes);
    } catch {
      throw new InvalidInputError('(body)', 'is not valid UTF-8');
    }
  }
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) throw new PayloadTooLargeError(maxBytes);
  try {
    return JSON.parse(raw);
  } catch {
    throw new InvalidInputError('(body)', 'is not valid JSON');
  }
}

const answer = (outcome: IntakeOutcome) => json(outcome.status === 'duplicate' ? 200 : 202, outcome);

/** The dossier id of the path, percent-decoded and checked like every id. */
function dossierIdOf(event: ApiEvent): string {
  let raw: string;
  try {
    raw = decodeURIComponent(event.pathParameters?.id ?? '');
  } catch {
    throw new InvalidInputError('id', 'is not valid percent-encoding', 'invalid_request');
  }
  const id = IdSchema.safeParse(raw);
  if (!id.success)
    throw new InvalidInputError('id', id.error.issues[0]?.message ?? 'is not a valid id', 'invalid_request');
  return id.data;
}

export function makeApiHandler(runtime: HandlerRuntime) {
  const routes: Route<ApiEvent, APIGatewayProxyResult>[] = [
    {
      method: 'POST',
      path: '/events',
      handler: async (event: ApiEvent) => answer(await ingestEvent(runtime.deps(), jsonBody(event, MAX_BODY_BYTES))),
    },
    {
      method: 'GET',
      path: '/dossiers/{id}',
      handler: async (event: ApiEvent) => json(200, await getDossierSheet(runtime.deps(), dossierIdOf(event))),
    },
    // The portal answers 200 with a result per item: one bad item never refuses the others.
    ...DVCQG_SERVICES.map((service) => ({
      method: 'POST' as const,
      path: `/dvcqg/${service}`,
      handler: async (event: ApiEvent) =>
        json(200, await ingestFeed(runtime.deps(), service, jsonBody(event, MAX_BODY_BYTES))),
    })),
  ];
  const router = httpRouterHandler<ApiEvent, APIGatewayProxyResult>({
    routes,
    notFoundResponse: ({ method, path }) => {
      throw new RouteNotFoundError(method, path);
    },
  });
  return observed(runtime, middy<ApiEvent, APIGatewayProxyResult>()).use(httpErrors(runtime.logger)).handler(router);
}
