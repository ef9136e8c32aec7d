import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { z } from 'zod';
import { InvalidInputError, UnauthenticatedError } from '../app/errors.ts';
import type { Viewer } from '../app/identity.ts';
import { IdSchema } from '../schemas/events.ts';
import { VerifiedClaimsSchema } from '../schemas/requests.ts';
import { PayloadTooLargeError } from './http-errors.ts';

/** Reading an API Gateway request: its body, path ids, query parameters and the verified identity. */

type ApiEvent = APIGatewayProxyEvent;

/** Refuses bytes that are not UTF-8 rather than reading them as U+FFFD (a name or reason silently changed). */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes and parses a JSON body within the size limit. */
export function jsonBody(event: ApiEvent, maxBytes: number): unknown {
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

/** A path parameter, percent-decoded and checked like every id. */
export function pathId(event: ApiEvent, name: string): string {
  let raw: string;
  try {
    raw = decodeURIComponent(event.pathParameters?.[name] ?? '');
  } catch {
    throw new InvalidInputError(name, 'is not valid percent-encoding', 'invalid_request');
  }
  const id = IdSchema.safeParse(raw);
  if (!id.success)
    throw new InvalidInputError(name, id.error.issues[0]?.message ?? 'is not a valid id', 'invalid_request');
  return id.data;
}

/** Input parsed by a closed schema; the first issue names the field and the reason. */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: 'invalid_request' | 'invalid_event',
): z.output<S> {
  const r = schema.safeParse(input, {
    error: (issue) => (issue.input === undefined && issue.code === 'invalid_type' ? 'is required' : undefined),
  });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.slice(0, 5).map((k) => k.slice(0, 40));
    throw new InvalidInputError(keys.join(', '), `unknown parameter(s): ${keys.join(', ')}`, code);
  }
  throw new InvalidInputError(issue.path.length ? issue.path.join('.') : '(query)', issue.message, code);
}

export const query = <S extends z.ZodType>(event: ApiEvent, schema: S): z.output<S> =>
  parseRequest(schema, event.queryStringParameters ?? {}, 'invalid_request');

/**
 * The signed-in user, from the claims API Gateway's Cognito authorizer verified (the local server puts its development
 * identity in the same place). A read or action route with none, or with claims that name no unit and role, is 401.
 */
export function viewerOf(event: ApiEvent): Viewer {
  const parsed = VerifiedClaimsSchema.safeParse(event.requestContext?.authorizer?.claims ?? {});
  if (!parsed.success) throw new UnauthenticatedError('sign in: this route needs a verified user');
  return parsed.data;
}
