import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { LOCAL_PROVINCE, type Viewer } from '../functions/app/identity.ts';
import { MAX_BODY_BYTES } from '../functions/handlers/api.ts';
import { apiGatewayEvent } from './api-event.ts';
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
  stack: Pick<LocalStack, 'store'>,
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

/** Seconds a client is asked to wait (Retry-After) when the server is stopping: about a restart. */
const RETRY_AFTER_SECONDS = 5;

export interface LocalHttpServer {
  server: Server;
  url: string;
  /** Requests received and not yet answered. */
  inFlight(): number;
  /**
   * Stops accepting: the listener and idle keep-alive connections close at once; a request that arrives
   * on an open connection meanwhile is answered 503 with Retry-After; the requests under way are
   * answered, for at most `graceMs`, after which every connection is closed. True: all were answered.
   */
  drain(graceMs: number): Promise<boolean>;
}

/** The cloud API's routes over HTTP on this machine, signed in as the development identity. */
export async function serveHttp(
  stack: Pick<LocalStack, 'invokeApi' | 'store'>,
  port: number,
  host = '127.0.0.1',
  options: ServeOptions = {},
): Promise<LocalHttpServer> {
  let draining = false;
  let inFlight = 0;
  const server = createServer((req, res) => {
    const respond = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(body);
    };
    if (draining) {
      req.resume();
      return respond(
        503,
        JSON.stringify({ error: 'unavailable', reason: 'the server is stopping; send the request again shortly' }),
        // The connection closes after it: the client comes back on a new one, once the server is back.
        { 'retry-after': String(RETRY_AFTER_SECONDS), connection: 'close' },
      );
    }
    // Under way until answered (or its connection closed): what a stop waits for.
    inFlight++;
    let answered = false;
    const done = () => {
      if (!answered) inFlight--;
      answered = true;
    };
    res.once('finish', done);
    res.once('close', done);
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
          // The body's bytes as they came, base64 as API Gateway passes a binary body: the handler decodes
          // them and refuses bytes that are not UTF-8 (a decode here would put U+FFFD in their place).
          const body = method === 'POST' ? Buffer.concat(chunks).toString('base64') : null;
          const event = apiGatewayEvent(method, path, body, { isBase64Encoded: body !== null, identity: as });
          const r = await stack.invokeApi(event);
          res.writeHead(r.statusCode, { 'content-type': 'application/json; charset=utf-8', ...r.headers });
          res.end(r.body);
        })
        .catch(() => respond(500, JSON.stringify({ error: 'internal', reason: 'internal error' })));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, () => resolve()));
  const { port: bound } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${bound}`,
    inFlight: () => inFlight,
    async drain(graceMs) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const end = performance.now() + graceMs;
      while (inFlight > 0 && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
      const answeredAll = inFlight === 0;
      server.closeAllConnections();
      await closed;
      return answeredAll;
    },
  };
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
