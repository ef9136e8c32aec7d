import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { LOCAL_PROVINCE, type Viewer } from '../functions/app/identity.ts';
import { MAX_BODY_BYTES } from '../functions/handlers/api.ts';
import type { LocalStack } from './stack.ts';

export interface ServeOptions {
  /** The development identity every request is signed in as (default: the provincial office). */
  as?: Viewer;
  /** The dashboard's built files (dist/dashboard), served at /; none: the API alone. */
  dashboardDir?: string;
}

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The dashboard's files, its config (the development sign-in) and the units to sign in as; null for the API's paths.
 * The header x-dunghan-dev-as (`<unitId>:<role>`) of the development sign-in is read here only, never by the handler.
 */
async function localPage(
  stack: LocalStack,
  dir: string,
  path: string,
): Promise<{ status: number; type: string; body: string | Buffer } | null> {
  const name = path === '/' ? '/index.html' : path;
  const type = STATIC_TYPES[extname(name)];
  if (type && /^\/[a-z]+\.(html|js|css)$/.test(name)) {
    const file = join(dir, name);
    return existsSync(file) ? { status: 200, type, body: readFileSync(file) } : null;
  }
  if (name === '/config.json') return { status: 200, type: 'application/json', body: JSON.stringify({ auth: 'dev' }) };
  if (name === '/dev/units') {
    const units = (await stack.store.units.list()).map((u) => ({ unitId: u.unitId, name: u.name }));
    return { status: 200, type: 'application/json', body: JSON.stringify(units) };
  }
  return null;
}

function devIdentity(header: string | string[] | undefined, fallback: Viewer): Viewer {
  const m =
    typeof header === 'string' ? /^([A-Za-z0-9][A-Za-z0-9._-]{0,79}):(viewer|head|province)$/.exec(header) : null;
  return m ? { userId: `local-${m[1]}`, unitId: m[1]!, role: m[2] as Viewer['role'] } : fallback;
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
      const as = devIdentity(req.headers['x-dunghan-dev-as'], options.as ?? LOCAL_PROVINCE);
      const page =
        method === 'GET' && options.dashboardDir
          ? localPage(stack, options.dashboardDir, path.replace(/\?.*$/s, ''))
          : Promise.resolve(null);
      page
        .then(async (p) => {
          if (p) {
            res.writeHead(p.status, { 'content-type': p.type });
            return void res.end(p.body);
          }
          const body = method === 'POST' ? Buffer.concat(chunks).toString('utf8') : undefined;
          const r = await stack.request(method, path, body, { as });
          res.writeHead(r.statusCode, { 'content-type': 'application/json; charset=utf-8', ...r.headers });
          res.end(r.body);
        })
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
