import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../local/bin/dunghan.mjs', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/events.ndjson', import.meta.url));
const FEED = fileURLToPath(new URL('../../examples/dvcqg.ndjson', import.meta.url));

describe('dunghan send', () => {
  it('posts each event to <url>/events signed with SigV4 for execute-api', async () => {
    const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', headers: req.headers });
      req.resume();
      req.on('end', () => res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [BIN, 'send', EXAMPLE, '--url', `http://127.0.0.1:${port}/v1/`, '--region', 'ap-southeast-1'],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
            AWS_SECRET_ACCESS_KEY: 'secret',
            AWS_PROFILE: '',
            AWS_SESSION_TOKEN: '',
          },
        },
      );
      expect(stdout.trim().split('\n').length).toBe(seen.length);
      expect(seen.length).toBeGreaterThan(30);
      for (const r of seen) {
        expect(r.path).toBe('/v1/events');
        expect(r.headers.authorization).toMatch(
          /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-southeast-1\/execute-api\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
        );
        expect(r.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      }
    } finally {
      server.close();
    }
  });

  it("posts a national-portal feed export's calls to their routes, and its events to /events", async () => {
    const seen: { path: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"error_code":"0"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    try {
      await promisify(execFile)(
        process.execPath,
        [BIN, 'send', FEED, '--url', `http://127.0.0.1:${port}/v1`, '--region', 'ap-southeast-1'],
        { env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_PROFILE: '' } },
      );
      const paths = new Set(seen.map((r) => r.path));
      expect([...paths].sort()).toEqual(['/v1/dvcqg/CapNhatTienDoHoSoMC', '/v1/dvcqg/DongBoHoSoMC', '/v1/events']);
      // The body of a call, not the line: the envelope or the array as the one-stop system sent it.
      const first = seen.find((r) => r.path === '/v1/dvcqg/DongBoHoSoMC')!;
      expect(JSON.parse(first.body)).toMatchObject({ service: 'DongBoHoSoMC', data: [{ MaHoSo: 'DVC-01' }] });
    } finally {
      server.close();
    }
  });
});
