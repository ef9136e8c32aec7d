import { afterAll, describe, expect, it, vi } from 'vitest';
import { STALE_CLAIM_TAKEN_OVER } from '../../functions/app/notices/sender.ts';
import { DAY_MS, formatInstant, MINUTE_MS, parseInstant } from '../../functions/core/instant.ts';
import { NOTICE_STATUSES, type NoticeRecord, type NoticeStatus } from '../../functions/schemas/records.ts';
import { type SweepTotals, startLocalStack } from '../../local/stack.ts';
import { seededRandom } from '../../local/tools/random.ts';
import { completed, event, type Json, PROVINCE, received } from '../support/events.ts';
import {
  abortExecutions,
  crashingTasks,
  FAULT_KINDS,
  type FaultKind,
  FaultPlan,
  type FaultRates,
  faultySms,
  injectStoreFaults,
} from '../support/faults.ts';

/**
 * A simulated month on the embedded stack with faults injected from a seeded schedule: SNS
 * throttling and 5xx on 30 % of calls, DynamoDB throttling and lost conditional races, task functions
 * crashing after their writes, executions failing and stopped mid-way. The same workload without faults
 * is the reference: every notice it sends is sent, exactly once (counted at the SNS edge), and the
 * sweeper repairs what the faults broke.
 */

const DOSSIERS = 300;
const START = parseInstant('2026-03-02T07:00:00+07:00');
// Faults stop at the end of the month; the stack then runs a quiet week and a day: an execution that died
// during a wait is found when that wait would have ended (at most maxCheckpointSeconds, 7 days).
const FAULTS_END = parseInstant('2026-03-31T17:00:00+07:00');
const END = parseInstant('2026-04-09T10:00:00+07:00');
const RATES: FaultRates = { sns: 0.3, dynamoThrottle: 0.02, conditionalRace: 0.05, crash: 0.02, fatalCrashShare: 0.3 };
const UNITS = ['vpdk', 'thue', 'xa', 'so'];

/**
 * A few hundred dossiers received over three weeks: one step, two stages or two parallel steps; some late, some never
 * done.
 */
function workload(seed: number): Json[] {
  const rnd = seededRandom(seed);
  const events: Json[] = [...PROVINCE];
  const unit = () => UNITS[Math.floor(rnd() * UNITS.length)]!;
  const minute = (t: number) => Math.floor(t / MINUTE_MS) * MINUTE_MS;
  for (let i = 0; i < DOSSIERS; i++) {
    const id = `F-${String(i).padStart(3, '0')}`;
    const receivedAt = minute(START + rnd() * 21 * DAY_MS);
    const days = 1 + Math.floor(rnd() * 3);
    const shape = rnd();
    const path: [string, string, string][][] =
      shape < 0.4
        ? [[['work', unit(), `${days} working days`]]]
        : shape < 0.7
          ? [[['check', unit(), '1 working day']], [['sign', unit(), `${days} working days`]]]
          : [
              [
                ['land', 'vpdk', `${days} working days`],
                ['tax', 'thue', `${days} working days`],
              ],
            ];
    events.push(received(id, formatInstant(receivedAt), `${days + (path.length > 1 ? 1 : 0)} working days`, path));
    if (rnd() < 0.15) continue; // never finished: overdue to the end, up the escalation ladder
    let stageDone = receivedAt;
    for (const stage of path) {
      let last = stageDone;
      for (const [stepId] of stage) {
        // Between a few hours and about twice the budget (in calendar time): many on time, many late.
        const at = minute(stageDone + (0.1 + rnd() * 2.2) * days * DAY_MS);
        events.push(completed(id, stepId, formatInstant(at)));
        last = Math.max(last, at);
      }
      stageDone = last + MINUTE_MS;
    }
    events.push(event(id, 'dossier.resolved', formatInstant(stageDone + 30 * MINUTE_MS)));
  }
  return events.sort((a, b) => parseInstant(a.at as string) - parseInstant(b.at as string));
}

interface MonthResult {
  notices: NoticeRecord[];
  /** SMS publishes SNS accepted, per notice id. */
  accepted: Map<string, number>;
  injected: Record<FaultKind, number>;
  sweeps: SweepTotals;
  intakeRetries: number;
  deadExecutions: number;
  /** Dossiers whose work is not finished (no outcome), whose current execution is not running nor parked. */
  orphans: string[];
  executions: number;
  ms: number;
  trace: string[];
  /** Notices whose sender died after claiming them, sent by the execution's next checkpoint or the sweeper. */
  takenOver: number;
}

async function month(withFaults: boolean): Promise<MonthResult> {
  const t0 = performance.now();
  const plan = new FaultPlan(
    2026,
    withFaults ? RATES : { sns: 0, dynamoThrottle: 0, conditionalRace: 0, crash: 0, fatalCrashShare: 0 },
  );
  const sms = faultySms(plan);
  // The workflow's retries wait a random share of their interval (JitterStrategy FULL, Math.random in the
  // engine), which reorders what runs at the same simulated instant: seeded, so that a month is the same run
  // on every machine.
  const random = vi.spyOn(Math, 'random').mockImplementation(seededRandom(withFaults ? 15 : 16));
  const stack = await startLocalStack({
    simulatedStart: START - 60_000,
    notifier: sms.notifier,
    wrapTask: crashingTasks(plan),
  });
  const clock = stack.time!;
  injectStoreFaults(stack.store, plan);
  let takenOver = 0;
  const warn = stack.deps.logger.warn.bind(stack.deps.logger);
  stack.deps.logger.warn = ((message: unknown, ...rest: never[]) => {
    if (message === STALE_CLAIM_TAKEN_OVER) takenOver++;
    return warn(message as string, ...rest);
  }) as typeof stack.deps.logger.warn;
  const start = stack.deps.executions.start;
  stack.deps.executions.start = (id, attempt) => {
    plan.trace.push(`${new Date().toISOString()} start ${id} ${attempt ?? 1}`);
    return start(id, attempt);
  };
  let aborted = 0;
  const stopAborts = withFaults ? abortExecutions(plan, stack.executions, 6 * 60 * MINUTE_MS) : () => {};
  let intakeRetries = 0;
  try {
    plan.enabled = withFaults;
    for (const e of workload(7)) {
      await clock.advanceTo(parseInstant(e.at as string));
      // The integration sends an event again after a 5xx (the API asks it to: events are idempotent).
      for (let attempt = 1; ; attempt++) {
        const r = await stack.request('POST', '/events', JSON.stringify(e));
        if (r.statusCode < 500) {
          expect(r.statusCode, r.body).toBeLessThan(300);
          break;
        }
        intakeRetries++;
        expect(attempt, 'an event refused 20 times').toBeLessThan(20);
      }
    }
    await clock.advanceTo(FAULTS_END);
    plan.enabled = false;
    stopAborts();
    await clock.advanceTo(END);
    aborted = plan.injected.executionsAborted;

    const { store } = stack.deps;
    const statuses = NOTICE_STATUSES.filter((s): s is Exclude<NoticeStatus, 'sending'> => s !== 'sending');
    const notices = (await Promise.all(statuses.map((s) => store.notices.byStatus(s)))).flat();
    const orphans: string[] = [];
    for (let i = 0; i < DOSSIERS; i++) {
      const meta = await store.dossiers.get(`F-${String(i).padStart(3, '0')}`);
      if (!meta || meta.outcome) continue;
      // Parked (its execution ended at a long wait) and watched: the sweeper starts it before its checkpoint.
      const parked = meta.parkedAttempt === meta.attempt && meta.watchAt !== undefined;
      if (!parked && (await stack.executions.status(meta.dossierId, meta.attempt)) !== 'running')
        orphans.push(meta.dossierId);
    }
    return {
      notices,
      accepted: sms.accepted,
      injected: { ...plan.injected },
      sweeps: { ...stack.sweeps },
      intakeRetries,
      deadExecutions: stack.stats().failedExecutions + aborted,
      orphans,
      executions: stack.stats().executions,
      ms: Math.round(performance.now() - t0),
      trace: plan.trace,
      takenOver,
    };
  } finally {
    stopAborts();
    await stack.close();
    sms.restore();
    random.mockRestore();
  }
}

/**
 * The dossier notices that reached their recipient, by their channels: sent (by SMS or to the topic),
 * folded into a morning digest that was sent (or published to the topic as it was folded), or batched
 * into an escalation SMS that was sent (or itself folded into a digest that was sent). Batches and
 * digests are counted through the notices they carry: which window or digest a notice lands in depends
 * on when its retried sender got to it.
 */
function reached(notices: NoticeRecord[]): Set<string> {
  const byId = new Map(notices.map((n) => [`${n.dossierId}|${n.noticeId}`, n]));
  const digestSent = (id: string | undefined) =>
    id !== undefined && byId.get(`DIGEST-${id.slice(-10)}|${id}`)?.status === 'sent';
  const through = (n: NoticeRecord | undefined): boolean => {
    if (!n) return false;
    if (n.status === 'sent') return true;
    if (n.status === 'folded') return (n.channels ?? []).includes('topic') || digestSent(n.digestId);
    if (n.status === 'batched') {
      const day = /\/(\d{4}-\d\d-\d\d)T\d{4}$/.exec(n.batchId ?? '')?.[1];
      return through(byId.get(`BATCH-${day}|${n.batchId}`));
    }
    return false;
  };
  const out = new Set<string>();
  for (const n of notices)
    if (!n.dossierId.startsWith('DIGEST-') && !n.dossierId.startsWith('BATCH-') && through(n)) out.add(n.noticeId);
  return out;
}

describe('a month of faults', () => {
  let clean: MonthResult;
  let faulty: MonthResult;
  const report: string[] = [];
  afterAll(() => console.log(report.join('\n')));

  it('the reference month without faults: the sweeper finds nothing to repair', async () => {
    clean = await month(false);
    expect(clean.sweeps).toMatchObject({
      restarted: 0,
      resent: 0,
      reclaimed: 0,
      overdueRepaired: 0,
      errors: 0,
      failedRuns: 0,
    });
    expect(clean.orphans).toEqual([]);
    for (const n of clean.notices.filter((x) => x.status === 'sent' && (x.channels ?? ['sms']).includes('sms')))
      expect(clean.accepted.get(n.noticeId), n.noticeId).toBe(1);
    report.push(
      `reference: ${clean.notices.length} notices, ${clean.notices.filter((n) => n.status === 'sent').length} sent, ${clean.executions} executions, ${clean.sweeps.runs} sweeps, ${clean.ms} ms`,
    );
  }, 600_000);

  it('with faults: every due notice sent exactly once, none lost; dead executions restarted, stuck notices and overdue dossiers repaired', async () => {
    faulty = await month(true);
    // What went out by SMS (a topic-only notice has no SMS to count at the edge).
    const sent = faulty.notices.filter((n) => n.status === 'sent' && (n.channels ?? ['sms']).includes('sms'));
    const duplicates = [...faulty.accepted].filter(([, n]) => n > 1);
    const unrecorded = [...faulty.accepted.keys()].filter((id) => !sent.some((n) => n.noticeId === id));
    // A notice is the same due notice whatever its version: a reschedule made at another instant (an
    // apology sent after a restart) may number the rungs after it differently.
    const same = (id: string) => id.replace(/\/v\d+$/, '');
    const reachedKeys = new Set([...reached(faulty.notices)].map(same));
    const cleanReached = reached(clean.notices);
    const lost = clean.notices.filter((n) => cleanReached.has(n.noticeId) && !reachedKeys.has(same(n.noticeId)));
    const dueKeys = new Set([...cleanReached].map(same));
    const extra = [...reached(faulty.notices)].filter((id) => !dueKeys.has(same(id))).map((noticeId) => ({ noticeId }));
    // The digests of the reference are sent too (a digest run that died is run again by the sweeper).
    const digestIds = (r: MonthResult) =>
      new Set(r.notices.filter((n) => n.kind === 'digest' && n.status === 'sent').map((n) => n.noticeId));
    const faultyDigests = digestIds(faulty);
    const lostDigests = [...digestIds(clean)].filter((id) => !faultyDigests.has(id));
    const stuck = faulty.notices.filter(
      (n) => (n.status === 'pending' || n.status === 'sending') && n.sendAfter < formatInstant(END - 60 * MINUTE_MS),
    );
    report.push(
      `faults injected: ${FAULT_KINDS.map((k) => `${k} ${faulty.injected[k]}`).join(', ')}; intake retries ${faulty.intakeRetries}`,
      `executions died ${faulty.deadExecutions}; sweeper (${faulty.sweeps.runs} runs, ${faulty.sweeps.failedRuns} failed and retried): restarted ${faulty.sweeps.restarted}, ` +
        `still alive ${faulty.sweeps.alive}, stuck notices resent ${faulty.sweeps.resent}, stale claims resent ${faulty.sweeps.reclaimed} ` +
        `(stale claims taken over in all ${faulty.takenOver}), ` +
        `overdue dossiers repaired ${faulty.sweeps.overdueRepaired}, items left for a later run ${faulty.sweeps.errors}`,
      `notices due (reached their recipient in the reference) ${cleanReached.size}; notices sent by SMS ${sent.length}; digests lost ${lostDigests.length}; SMS accepted by SNS ${[...faulty.accepted.values()].reduce((a, b) => a + b, 0)}; ` +
        `duplicates ${duplicates.length}; lost ${lost.length}; sent but not in the reference ${extra.length} (${extra.map((n) => n.noticeId).join(', ')}); ` +
        `stuck ${stuck.length}; orphan dossiers ${faulty.orphans.length}; ${faulty.ms} ms`,
    );
    if (lost.length > 0 || faulty.orphans.length > 0) {
      const byStatus = new Map(faulty.notices.map((n) => [n.noticeId, n]));
      for (const n of lost.slice(0, 40)) {
        const f = byStatus.get(n.noticeId);
        console.log(
          'LOST',
          n.noticeId,
          'ref',
          n.sentAt,
          'faulty sent',
          sent
            .filter((x) => x.dossierId === n.dossierId)
            .map((x) => `${x.noticeId}@${x.sentAt}`)
            .join(' '),
          'faulty',
          f ? `${f.status} ${f.sentAt ?? ''} ${f.reason ?? ''} created ${f.createdAt}` : 'absent',
        );
      }
      console.log('ORPHANS', faulty.orphans.join(' '));
      for (const id of lost
        .map((n) => n.dossierId)
        .filter((d, i, a) => a.indexOf(d) === i)
        .slice(0, 3))
        console.log(
          id,
          faulty.trace.filter((l) => l.includes(`${id} `) || l.includes(`"${id}"`) || l.includes(`${id}+`)).join('\n'),
        );
    }
    for (const k of FAULT_KINDS) expect(faulty.injected[k], k).toBeGreaterThan(0);
    expect(faulty.intakeRetries).toBeGreaterThan(0);
    // Exactly once at the SDK edge: one accepted SMS per sent notice, none for any other.
    expect(duplicates).toEqual([]);
    expect(unrecorded).toEqual([]);
    for (const n of sent) expect(faulty.accepted.get(n.noticeId), n.noticeId).toBe(1);
    // None lost: what the reference month sent is sent; nothing is left unsent or unwatched.
    expect(lost.map((n) => n.noticeId)).toEqual([]);
    expect(lostDigests).toEqual([]);
    expect(stuck.map((n) => n.noticeId)).toEqual([]);
    expect(faulty.orphans).toEqual([]);
    // The sweeper repaired each kind of damage.
    expect(faulty.deadExecutions).toBeGreaterThan(0);
    expect(faulty.sweeps.restarted).toBeGreaterThan(0);
    // Executions killed by faults after they reached a wait made progress: none is taken for poison.
    expect(faulty.sweeps.quarantined).toBe(0);
    expect(faulty.sweeps.resent + faulty.sweeps.reclaimed + faulty.takenOver).toBeGreaterThan(0);
    expect(faulty.sweeps.overdueRepaired).toBeGreaterThan(0);
  }, 600_000);
});
