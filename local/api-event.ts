import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * An API Gateway REST event for a request on this machine, as API Gateway would build it for the
 * intake API's resources: the local server and the local stack call the API's Lambda handler with it.
 */
export function apiGatewayEvent(
  method: string,
  path: string,
  body: string | null,
  options: { isBase64Encoded?: boolean; headers?: Record<string, string> } = {},
): APIGatewayProxyEvent {
  return {
    resource: path,
    path,
    httpMethod: method,
    headers: options.headers ?? {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: options.isBase64Encoded ?? false,
    requestContext: {
      httpMethod: method,
      path,
      stage: 'local',
      requestId: 'local',
    } as APIGatewayProxyEvent['requestContext'],
  };
}
