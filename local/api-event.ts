import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Viewer } from '../functions/app/identity.ts';

/**
 * An API Gateway REST event for a request on this machine, as API Gateway would build it for the API's resources: the
 * local server and the local stack call the API's Lambda handler with it. `target` is a path with an optional query;
 * the identity, when given, is put where API Gateway's Cognito authorizer puts the claims it verified.
 */
export function apiGatewayEvent(
  method: string,
  target: string,
  body: string | null,
  options: { isBase64Encoded?: boolean; headers?: Record<string, string>; identity?: Viewer | null } = {},
): APIGatewayProxyEvent {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const params = q < 0 ? null : new URLSearchParams(target.slice(q + 1));
  const query = params && params.size > 0 ? Object.fromEntries(params) : null;
  const multi = params && params.size > 0 ? groupBy(params) : null;
  return {
    resource: path,
    path,
    httpMethod: method,
    headers: options.headers ?? {},
    multiValueHeaders: {},
    queryStringParameters: query,
    multiValueQueryStringParameters: multi,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: options.isBase64Encoded ?? false,
    requestContext: {
      httpMethod: method,
      path,
      stage: 'local',
      requestId: 'local',
      ...(options.identity ? { authorizer: { claims: claimsOf(options.identity) } } : {}),
    } as APIGatewayProxyEvent['requestContext'],
  };
}

function groupBy(params: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of params) out[k] = [...(out[k] ?? []), v];
  return out;
}

/** A user as the claims of a Cognito ID token (docs: the user pool's custom attributes unitId and role). */
export function claimsOf(v: Viewer): Record<string, string> {
  return { sub: v.userId, 'custom:unitId': v.unitId, 'custom:role': v.role };
}
