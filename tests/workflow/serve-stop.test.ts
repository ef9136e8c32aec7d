import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatInstant, parseInstant } from '../../functions/core/instant.ts';
import { startLocalStore } from '../../local/dynamo.ts';
import { alive, type ServeProcess, startServe } from '../../local/tools/serve-process.ts';
import { type Json, PROVINCE, received } from '../support/events.ts';

// `dunghan serve` as an operator runs it (a child process, through the bin): how it stops, and what it
// does at start with the data a stop or a crash left.
const folders: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'dunghan-serve-'));
  folders.push(dir);
  return dir;
};
const servers: ServeProcess[] = [];
const serve = async (args: string[]) => {
  const s = await startServe({ args });
  servers.push(s);
  return s;
};
afterAll(() => {
  for (const s of servers) if (alive(s.servingPid)) process.kill(s.servingPid, 'SIGKILL');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const post = (s: ServeProcess, body: Json) => fetch(`${s.url}/events`, { method: 'POST', body: JSON.stringify(body) });
const dossier = (id: string, at = formatInstant(Date.now())) =>
  received(id, at, '10 working days', [[['a', 'xa', '1 working day']], [['b', 'vpdk', '2 working days']]]);

/**
 * A POST whose body never ends: a request under way for as long as the server lets it be. Resolves once
 * the server has it (its "100 Continue" answers the Expect header when the request reaches the handler).
 */
function hangingRequest(s: ServeProcess): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(s.port, '127.0.0.1', () => {
      socket.write(
        'POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n' +
          'Expect: 100-continue\r\n\r\n',
      );
    });
    socket.once('data', (chunk) => {
      expect(chunk.toString()).toMatch(/^HTTP\/1\.1 100 Continue/);
      socket.write('{"a');
      resolve(socket);
    });
    socket.on('error', () => undefined);
  });
}
const closedBy = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  );
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** serve's own lines (its JSON log lines and the outbox left out). */
const said = (s: ServeProcess) =>
  s
    .output()
    .split('\n')
    .filter((l) => l.startsWith('dunghan'));

describe('dunghan serve stops', () => {
  it('on SIGTERM with executions open and a request under way: exits 0 within a few seconds', async () => {
    const s = await serve(['--data', folder()]);
    for (const u of PROVINCE) expect((await post(s, u)).status).toBe(202);
    for (let i = 0; i < 20; i++) expect((await post(s, dossier(`STOP-${i}`))).status).toBe(202);
    const hanging = await hangingRequest(s);
    const cut = closedBy(hanging);
    const signalled = performance.now();
    s.bin.kill('SIGTERM');
    // The grace for requests under way is 3 s; the stop itself takes milliseconds.
    expect(await within(6_000, s.exited, 'exit after SIGTERM')).toEqual({ code: 0, signal: null });
    expect(performance.now() - signalled).toBeGreaterThan(2_500);
    await within(1_000, cut, 'the hanging request cut');
    expect(alive(s.servingPid)).toBe(false);
    expect(said(s)).toEqual([
      expect.stringMatching(/^dunghan serving on /),
      // Fewer than the 20 dossiers' executions: those whose waits are all long have parked.
      expect.stringMatching(/^dunghan: SIGTERM: stopping \(1 requests under way, \d+ executions open\)$/),
      expect.stringMatching(
        /^dunghan: stopped in \d+ ms; requests still under way were cut off \(clients send them again: events are idempotent\)$/,
      ),
    ]);
    expect(s.output()).not.toMatch(/Database is not open|internal error|request failed/);
  });

  it('at once, on a second signal during the stop', async () => {
    const s = await serve([]);
    await hangingRequest(s);
    s.bin.kill('SIGINT');
    await s.waitFor(/stopping/);
    const again = performance.now();
    s.bin.kill('SIGINT');
    expect(await within(2_000, s.exited, 'exit after a second SIGINT')).toEqual({ code: 130, signal: null });
    expect(performance.now() - again).toBeLessThan(1_000);
    expect(said(s)).toContain('dunghan: SIGINT again: exiting now');
  });

  it('during a burst of POSTs: each answered 2xx, or 503 with Retry-After, or refused; none lost, no 5xx', async () => {
    const data = folder();
    const s = await serve(['--data', data]);
    for (const u of PROVINCE) expect((await post(s, u)).status).toBe(202);
    const accepted: string[] = [];
    const answers: Record<string, number> = {};
    let next = 0;
    let signalled = false;
    const client = async () => {
      for (;;) {
        const id = `BURST-${next++}`;
        let status: string;
        try {
          const r = await post(s, dossier(id));
          status = String(r.status);
          if (r.ok) accepted.push(id);
          if (r.status === 503) expect(r.headers.get('retry-after')).toBe('5');
          await r.arrayBuffer();
        } catch {
          status = 'connection closed or refused';
          if (signalled) break;
        }
        answers[status] = (answers[status] ?? 0) + 1;
      }
    };
    const clients = Array.from({ length: 8 }, client);
    await new Promise((r) => setTimeout(r, 1_500));
    signalled = true;
    s.bin.kill('SIGTERM');
    await Promise.all(clients);
    expect(await within(6_000, s.exited, 'exit after SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Object.keys(answers).filter((k) => !['202', '503', 'connection closed or refused'].includes(k))).toEqual([]);
    expect(accepted.length).toBeGreaterThan(20);
    expect(s.output()).not.toMatch(/Database is not open|internal error|request failed/);
    // Every receipt answered 2xx is in the store, under watch (its execution is started again at the next start).
    const { store, close } = await startLocalStore({ path: data });
    try {
      const metas = await Promise.all(accepted.map((id) => store.dossiers.get(id)));
      expect(metas.filter((m) => m === null || m.watchAt === undefined)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('refuses a data folder another server has open, naming it', async () => {
    const data = folder();
    const first = await serve(['--data', data]);
    const second = startServe({ args: ['--data', data] });
    await expect(second).rejects.toThrow(`dunghan serve: --data: the data folder ${data} is in use by another process`);
    first.bin.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
  });
});

describe('dunghan serve starts again what a crash left', () => {
  it('kill -9, start again: the open dossier’s execution resumes and its notice goes out on time', async () => {
    const data = folder();
    const outbox = join(data, 'outbox.ndjson');
    // A clock at Monday 09:00 (working hours), whatever the hour here; it runs at real speed.
    const t0 = parseInstant('2026-03-02T09:00:00+07:00');
    const wall0 = Date.now();
    const clockNow = () => formatInstant(t0 + (Date.now() - wall0));
    const s1 = await serve(['--data', data, '--outbox', outbox, '--now', clockNow()]);
    for (const u of PROVINCE) expect((await post(s1, u)).status).toBe(202);
    // Step a (1 working hour, from 08:15:10) is warned about at 75 % of it: at 09:00:10 (docs/law.md §2),
    // sent once the decision delay (60 s) has passed, at 09:01:10.
    const receipt = received('CRASH-1', '2026-03-02T08:15:10+07:00', '1 working day', [
      [['a', 'xa', '1 working hour']],
    ]);
    expect((await post(s1, receipt)).status).toBe(202);
    const warnedAt = parseInstant('2026-03-02T09:00:10+07:00') + 60_000;
    await new Promise((r) => setTimeout(r, 2_000));
    process.kill(s1.servingPid, 'SIGKILL');
    await s1.exited;
    // Without the resume, the dead execution would be found by a sweep after its wait's end and 5 minutes.
    const s2 = await serve(['--data', data, '--outbox', outbox, '--now', clockNow()]);
    await s2.waitFor(/dunghan: resumed 1 of 1 open dossiers' executions in [\d.]+ s\n/, 10_000);
    // A step warning goes to the escalation topic (and the unit's morning digest): the outbox's topic line.
    const sent = await s2.waitFor(/\[outbox\] (\S+) topic step\.warning /, 120_000);
    const late = parseInstant(sent[1]!) - warnedAt;
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(60_000);
    s2.bin.kill('SIGTERM');
    expect(await s2.exited).toEqual({ code: 0, signal: null });
    const lines = readFileSync(outbox, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { channel: string; kind: string });
    expect(lines.map((l) => [l.channel, l.kind])).toEqual([['topic', 'step.warning']]);
  }, 150_000);
});
