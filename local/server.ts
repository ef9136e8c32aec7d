import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_PROVINCE, type Viewer } from '../functions/app/identity.ts';
import { MAX_BODY_BYTES } from '../functions/handlers/api.ts';
import type { LocalStack } from './stack.ts';

export interface ServeOptions {
  /** The development identity every request is signed in as (default: the provincial office). */
  as?: Viewer;
}

/** The cloud API's routes over HTTP on this machine, signed in as the development identity. */
export async function serveHttp(
  stack: LocalStack,
  port: number,
  host = '127.0.0.1',
  options: ServeOptions = {},
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const method = req.method === 'POST' ? 'POST' : req.method === 'GET' ? 'GET' : null;
      const path = pathOf(req.url ?? '/');
      const respond = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(body);
      };
      if (!method)
        return respond(405, JSON.stringify({ error: 'method_not_allowed', reason: `${req.method} is not served` }));
      if (path === null)
        return respond(
          400,
          JSON.stringify({ error: 'invalid_request', field: '(url)', reason: 'is not a valid request target' }),
        );
      if (tooLarge)
        return respond(
          413,
          JSON.stringify({
            error: 'invalid_event',
            field: '(body)',
            reason: `must be at most ${MAX_BODY_BYTES} bytes`,
          }),
        );
      stack
        .request(method, path, method === 'POST' ? Buffer.concat(chunks).toString('utf8') : undefined, {
          as: options.as ?? LOCAL_PROVINCE,
        })
        .then((r) => respond(r.statusCode, r.body))
        .catch(() => respond(500, JSON.stringify({ error: 'internal', reason: 'internal error' })));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, () => resolve()));
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://${host}:${bound}` };
}

/**
 * The path and query of a request target as API Gateway would see them: origin form ("/events?x") as written (the
 * URL parser would read "//host/events" as a host), absolute form ("http://host/events") parsed;
 * null when it is neither (a target that throws in the URL parser must not end the process).
 */
function pathOf(target: string): string | null {
  if (target.startsWith('/')) return target.replace(/#.*$/s, '');
  try {
    const url = new URL(target);
    return url.pathname + url.search;
  } catch {
    return null;
  }
}
