import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { formatInstant, parseInstant } from '../../functions/core/instant.ts';
import { startLocalStore } from '../../local/dynamo.ts';
import { seededRandom } from '../../local/tools/random.ts';
import { alive, type ServeProcess, startServe } from '../../local/tools/serve-process.ts';
import { completed, type Json, PROVINCE, received } from '../support/events.ts';
import { tempDir } from '../support/temp.ts';

/**
 * A soak of `dunghan serve --data` as a commune runs it: receipts and completions posted by a client
 * that sends each event again until it is answered 2xx (as iGate does), while the server process is
 * killed outright (SIGKILL) and started again three times at moments drawn from a seed. At the end: every
 * event answered 2xx is in the store, every notice due was sent exactly once (the outbox and the store
 * agree), and every open dossier has its execution.
 *
 * The clock reads Monday 09:00 (working hours) whatever the hour here, at real speed. Each dossier is
 * received 45 minutes before it is posted, less 50-60 s: its one-hour step is warned about at 75 %
 * (docs/law.md §2), and that warning goes out after the decision delay (60 s), 0-10 s after the post.
 */
const SEED = 16;
const T0 = parseInstant('2026-03-02T09:00:00+07:00');
const DOSSIERS = 60;
const POSTING_MS = 24_000;
const KILLS = 3;
const DECISION_DELAY_MS = 60_000;

interface Planned {
  at: number;
  body: Json;
  dossierId: string | null;
}

const data = tempDir('dunghan-soak-')();
const outbox = join(data, 'outbox.ndjson');
let server: ServeProcess | null = null;
afterAll(() => {
  if (server && alive(server.servingPid)) process.kill(server.servingPid, 'SIGKILL');
});

it('kill -9 three times under load: no 2xx event lost, each due notice sent once, no open dossier without its execution', async () => {
  const random = seededRandom(SEED);
  const wall0 = Date.now();
  const clock = () => T0 + (Date.now() - wall0);
  const start = async () => {
    server = await startServe({ args: ['--data', data, '--outbox', outbox, '--now', formatInstant(clock())] });
    return server;
  };

  // The plan: units first, then a receipt every 0.4 s; a third of the dossiers have their step completed
  // a few seconds later (one of them closes a two-stage dossier's first stage), the rest are left open.
  const plan: Planned[] = PROVINCE.map((u) => ({ at: 0, body: u, dossierId: null }));
  const warnings = new Map<string, number>();
  for (let i = 0; i < DOSSIERS; i++) {
    const id = `SOAK-${i}`;
    const postAt = 500 + Math.round((i * POSTING_MS) / DOSSIERS);
    const early = 50_000 + Math.round(random() * 10_000);
    const receivedAt = T0 + postAt - 45 * 60_000 - early;
    const twoStages = i % 6 === 1;
    const path: [string, string, string][][] = twoStages
      ? [[['a', 'xa', '1 working hour']], [['b', 'vpdk', '2 working days']]]
      : [[['a', 'xa', '1 working hour']]];
    plan.push({ at: postAt, body: received(id, formatInstant(receivedAt), '2 working days', path), dossierId: id });
    if (i % 3 === 1) {
      const doneAt = postAt + 2_000 + Math.round(random() * 3_000);
      plan.push({ at: doneAt, body: completed(id, 'a', formatInstant(T0 + doneAt - 1_000)), dossierId: id });
    } else {
      warnings.set(id, receivedAt + 45 * 60_000 + DECISION_DELAY_MS);
    }
  }
  plan.sort((a, b) => a.at - b.at);

  // The client: each event in its turn, sent again until 2xx (connection refused while the server is down).
  const accepted: Planned[] = [];
  const answers: Record<string, number> = {};
  let next = 0;
  const poster = async () => {
    for (let p = plan[next++]; p !== undefined; p = plan[next++]) {
      const wait = wall0 + p.at - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      for (;;) {
        let status = 'no connection';
        try {
          const r = await fetch(`${server!.url}/events`, { method: 'POST', body: JSON.stringify(p.body) });
          await r.arrayBuffer();
          status = String(r.status);
        } catch {
          // the server is down, or died under the request: send it again
        }
        answers[status] = (answers[status] ?? 0) + 1;
        if (status.startsWith('2')) {
          accepted.push(p);
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  // The server: started, then killed at a drawn moment and started again, three times.
  await start();
  const posters = Array.from({ length: 4 }, poster);
  const resumed: string[] = [];
  for (let k = 0; k < KILLS; k++) {
    await new Promise((r) => setTimeout(r, 4_000 + Math.round(random() * 5_000)));
    process.kill(server!.servingPid, 'SIGKILL');
    expect((await server!.exited).signal).toBe('SIGKILL');
    const restarted = await start();
    resumed.push((await restarted.waitFor(/dunghan: resumed .*\n/, 20_000))[0].trim());
  }
  await Promise.all(posters);

  // Every warning due by now goes out (the restarted executions send what was due while the server was down).
  const lastDue = Math.max(...warnings.values());
  const sentIds = () =>
    readFileSync(outbox, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { channel: 'sms' | 'topic'; noticeId: string; dossierId: string; kind: string });
  for (let waited = 0; waited < 20_000 && clock() < lastDue + 3_000; waited += 500)
    await new Promise((r) => setTimeout(r, 500));
  // Wait for the dossiers expected, not for a count: a dossier whose completion was posted late because the
  // server was down may rightly be warned too, and would make a count reach its mark one dossier short.
  const warnedDossiers = () =>
    new Set(
      sentIds()
        .filter((n) => n.kind === 'step.warning' && n.channel === 'topic')
        .map((n) => n.dossierId),
    );
  const unwarned = () => {
    const warned = warnedDossiers();
    return [...warnings.keys()].filter((id) => !warned.has(id));
  };
  for (let waited = 0; waited < 20_000 && unwarned().length > 0; waited += 500)
    await new Promise((r) => setTimeout(r, 500));
  const end = clock();
  const s = server!;
  s.bin.kill('SIGTERM');
  expect(await s.exited).toEqual({ code: 0, signal: null });
  const stopLine = s
    .output()
    .split('\n')
    .find((l) => l.startsWith('dunghan: SIGTERM: stopping'))!;
  const runningAtStop = Number(/(\d+) executions open/.exec(stopLine)![1]);

  // What the store holds, read after the stop.
  const { store, close } = await startLocalStore({ path: data });
  try {
    // 1. Every event answered 2xx is in the store.
    const missing: string[] = [];
    for (const p of accepted) {
      const id = p.body.eventId as string;
      if (p.dossierId === null) {
        if (!(await store.units.get(p.body.unitId as string))) missing.push(id);
      } else if (!(await store.events.ofDossier(p.dossierId)).some((e) => e.eventId === id)) missing.push(id);
    }
    expect(missing).toEqual([]);
    expect(accepted.length).toBe(plan.length);

    // 2. Each notice due went out exactly once by each of its channels: the outbox has no notice twice on a
    // channel, and it and the store agree (a step warning goes to the topic, and is folded into the digest).
    const sent = sentIds();
    const ids = sent.map((n) => `${n.channel} ${n.noticeId}`);
    expect(ids.length - new Set(ids).size).toBe(0);
    const dossierIds = Array.from({ length: DOSSIERS }, (_, i) => `SOAK-${i}`);
    const notices = (await Promise.all(dossierIds.map((id) => store.notices.ofDossier(id)))).flat();
    const settledInStore = notices.flatMap((n) =>
      (n.channels ?? []).filter((c) => c === 'sms' || c === 'topic').map((c) => `${c} ${n.noticeId}`),
    );
    expect([...settledInStore].sort()).toEqual([...ids].sort());
    const overdueUnsent = notices.filter(
      (n) =>
        (n.status === 'pending' || n.status === 'sending') && Date.parse(n.sendAfter) + DECISION_DELAY_MS < end - 5_000,
    );
    expect(overdueUnsent).toEqual([]);
    const warned = warnedDossiers();
    expect(unwarned()).toEqual([]);

    // 3. Every open dossier is under watch, none quarantined, and each had its execution at the stop, or had
    // parked it at a long wait (the sweeper starts the next one before its checkpoint).
    const metas = await Promise.all(dossierIds.map((id) => store.dossiers.get(id)));
    const open = metas.filter((m) => m?.open);
    expect(open.filter((m) => m!.watchAt === undefined || m!.quarantine !== undefined)).toEqual([]);
    const parked = open.filter((m) => m!.parkedAttempt === m!.attempt);
    expect(runningAtStop).toBe(open.length - parked.length);

    console.log(
      `soak: ${plan.length} events accepted (answers ${JSON.stringify(answers)}), ${KILLS} kills; ${resumed.join('; ')}; ` +
        `${open.length} dossiers open at the end, ${runningAtStop} executions, ${parked.length} parked; ${sent.length} notices sent ` +
        `(${warned.size} step warnings), each once; ${(Date.now() - wall0) / 1000} s`,
    );
  } finally {
    await close();
  }
}, 120_000);
