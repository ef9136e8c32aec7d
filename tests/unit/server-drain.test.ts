import { connect } from 'node:net';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { serveHttp } from '../../local/server.ts';

// How the local HTTP server stops (serve's first step on SIGTERM): the API behind it answers when the
// test lets it, so that a request is under way for as long as the test needs.
describe('the local server drains on stop', () => {
  it('answers the request under way, 503 with Retry-After to one that comes meanwhile, then closes', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const paths: string[] = [];
    const api = {
      invokeApi: async (event: { path: string }): Promise<APIGatewayProxyResult> => {
        paths.push(event.path);
        await gate;
        return { statusCode: 200, body: '{"ok":true}' };
      },
    };
    const http = await serveHttp(api as never, 0);
    const socket = connect(Number(new URL(http.url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('GET /dossiers/A HTTP/1.1\r\nHost: x\r\n\r\n');
    while (http.inFlight() === 0) await new Promise((r) => setTimeout(r, 5));
    const drained = http.drain(5_000);
    // A second request on the same (busy, kept-alive) connection, after the stop began.
    socket.write('GET /dossiers/B HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 50));
    // A new connection is refused: the listener is closed.
    const refused = await new Promise<boolean>((resolve) => {
      const other = connect(Number(new URL(http.url).port), '127.0.0.1');
      other.once('connect', () => resolve(false));
      other.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    release();
    expect(await drained).toBe(true);
    await closed;
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    expect(answers.map((a) => a.split('\r\n')[0])).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 503 Service Unavailable']);
    expect(answers[1]).toMatch(/retry-after: 5\r\n/i);
    expect(answers[1]).toMatch(/connection: close\r\n/i);
    expect(answers[1]).toContain('"reason":"the server is stopping; send the request again shortly"');
    // Only the first reached the API.
    expect(paths).toEqual(['/dossiers/A']);
  });

  it('cuts what is still under way after the grace, and says so', async () => {
    const api = { invokeApi: () => new Promise<APIGatewayProxyResult>(() => undefined) };
    const http = await serveHttp(api as never, 0);
    const socket = connect(Number(new URL(http.url).port), '127.0.0.1');
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('GET /dossiers/A HTTP/1.1\r\nHost: x\r\n\r\n');
    while (http.inFlight() === 0) await new Promise((r) => setTimeout(r, 5));
    const started = performance.now();
    expect(await http.drain(300)).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await closed;
  });
});
