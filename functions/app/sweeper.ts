import { dayOf, formatInstant, type Instant, isoDateOf, MINUTE_MS, startOfDay } from '../core/instant.ts';
import { policyFor } from '../core/policy.ts';
import type { DossierMeta, NoticeRecord } from '../schemas/records.ts';
import { loadDossier } from './dossiers.ts';
import { BATCH_PARTITION, sendDueBatches } from './notices/batch.ts';
import { digest } from './notices/digest.ts';
import { notify } from './notices/notify.ts';
import type { Deps } from './ports.ts';
import { isParked, restartExecution } from './resume.ts';
import { CLAIM_LEASE_MS, WATCH_SLACK_MS } from './timing.ts';
import { nextWait } from './watch.ts';
import { decide, noticeRecord } from './workflow/decide.ts';

/** What one sweep found and repaired. */
export interface SweepResult {
  /** Executions that died (failed, aborted, never started) and were started again from the store. */
  restarted: number;
  /** Executions past their watch that still run (a wait answered early): watched again later. */
  alive: number;
  /** Parked dossiers whose next checkpoint comes soon: their next attempt started (park.ts). */
  woken: number;
  /** Notices left pending after their window opened, and claims whose sender died, settled now. */
  resent: number;
  reclaimed: number;
  /**
   * Open dossiers overdue with no notice about it: the notices due were written (and sent when their window is open).
   */
  overdueRepaired: number;
  /** Dossiers whose execution died once more after the last restart allowed: taken off the watch, with the reason. */
  quarantined: number;
  /** Escalation batches sent (their window closed). */
  batchesSent: number;
  /** Items left for the next sweep (a store or service error). */
  errors: number;
}

/** A sweep that found nothing (the counters start here). */
export const noRepairs = (): SweepResult => ({
  restarted: 0,
  alive: 0,
  woken: 0,
  resent: 0,
  reclaimed: 0,
  overdueRepaired: 0,
  quarantined: 0,
  batchesSent: 0,
  errors: 0,
});

/**
 * Overdue dossiers are checked for this long after their due instant (later, the restarted executions' checkpoints see
 * them).
 */
const OVERDUE_LOOKBACK_MS = 2 * 60 * MINUTE_MS;

/**
 * The sweeper (every 15 minutes; README, "When things fail"): finds what the executions missed and repairs
 * it, never duplicating (notices are written once and claimed before they are sent).
 *
 * Dead executions: each registration of a wait records in the dossier's META when the execution will call
 * again (watchAt, index byWatch); finalize removes the watch. A dossier past its watch is asked about
 * (DescribeExecution on AWS, the engine locally): still running, it is watched again; otherwise it is
 * started again from the store as `<id>+r<n>` (restartExecution; executionName: a closed execution's
 * name is never reused).
 */
export async function sweep(deps: Deps, graceMinutes = 15): Promise<SweepResult> {
  const now = deps.now();
  const cutoff = formatInstant(now - graceMinutes * MINUTE_MS);
  const r = noRepairs();
  const each = async <T>(items: T[], repair: (item: T) => Promise<void>) => {
    for (const item of items) {
      try {
        await repair(item);
      } catch (err) {
        r.errors++;
        deps.logger.warn('sweep: left for the next run', { error: (err as Error).name });
      }
    }
  };

  // An open dossier overdue with no notice about its due: the notices due are written and sent.
  const repairOverdue = async (meta: DossierMeta, before = cutoff) => {
    if (!meta.open || meta.quarantine || meta.dueAt === null || meta.dueAt >= before) return;
    const notices = await deps.store.notices.ofDossier(meta.dossierId);
    if (notices.some((n) => n.dueAt >= meta.dueAt!)) return;
    if ((await repairNotices(deps, meta.dossierId, notices)) > 0) r.overdueRepaired++;
  };
  // Overdue dossiers are looked for once an hour (the look-back spans two runs); the rest every run.
  const overdueRun = now % (60 * MINUTE_MS) < graceMinutes * MINUTE_MS;
  const [watched, pendingNow, overdue] = await Promise.all([
    deps.store.dossiers.watchedBefore(formatInstant(now)),
    deps.store.notices.byStatus('pending', formatInstant(now + 1)),
    overdueRun
      ? deps.store.dossiers.openOverdueSince(
          formatInstant(now - graceMinutes * MINUTE_MS - OVERDUE_LOOKBACK_MS),
          cutoff,
        )
      : Promise.resolve([]),
  ]);
  await each(watched, async (meta) => {
    const status = await deps.executions.status(meta.dossierId, meta.attempt);
    if (isParked(meta)) {
      // Parked until its next checkpoint, due in PARK_WAKE_LEAD_MS at most: started again now (not a failure),
      // unless its execution is still ending (the next sweep starts it).
      if (status !== 'running' && (await restartExecution(deps, meta, now, { countFailure: false, was: 'parked' })))
        r.woken++;
      return;
    }
    if (status === 'running') {
      // The wait it announced was answered early: watched until its next open wait ends (or soon again).
      await deps.store.dossiers.extendWatch(
        meta.dossierId,
        meta.attempt,
        nextWait(meta, formatInstant(now)) ?? formatInstant(now + WATCH_SLACK_MS),
      );
      r.alive++;
      return;
    }
    if (meta.failedRestarts >= deps.policy.operations.maxRestarts) {
      if (await quarantine(deps, meta, now)) r.quarantined++;
      return;
    }
    if (!(await restartExecution(deps, meta, now, { countFailure: true, was: status }))) return;
    r.restarted++;
    // Its overdue notices are not left to the new execution's first checkpoint (no live execution to
    // race: overdue from the due instant on).
    await repairOverdue(meta, formatInstant(now));
  });

  // Batches of escalations whose window has closed are sent now; other notices left pending for
  // longer than the grace (their execution's Notify did not send them) are sent here.
  const unsettled = pendingNow.filter((n) => n.sendAfter < cutoff && !n.dossierId.startsWith(BATCH_PARTITION));
  await each([0], async () => {
    r.batchesSent += await sendDueBatches(deps, pendingNow);
  });

  // Today's digest left unsent by a run that died is sent by running it again (each unit's once).
  const today = `DIGEST-${isoDateOf(dayOf(now))}`;
  let staleDigest = false;
  await each(unsettled, async (n) => {
    // Pending since its window opened, or claimed by a sender that never settled it.
    const claimed = n.status === 'sending';
    if (claimed && (n.claimedAt ?? '') >= formatInstant(now - CLAIM_LEASE_MS)) return;
    if (n.dossierId.startsWith('DIGEST-')) {
      if (n.dossierId === today) staleDigest = true;
      return;
    }
    const { settled } = await notify(deps, n.dossierId, [n.noticeId]);
    if (claimed) r.reclaimed += settled;
    else r.resent += settled;
  });
  // A digest run that died before its end (its schedule's retries spent) is run again: each unit's once.
  const digestAt = startOfDay(dayOf(now)) + deps.policy.defaults.digestAt * MINUTE_MS;
  if (
    !staleDigest &&
    now >= digestAt + graceMinutes * MINUTE_MS &&
    deps.calendar.isWorkingInstant(digestAt) &&
    deps.calendar.isWorkingInstant(now)
  )
    await each([0], async () => {
      staleDigest = !(await deps.store.notices.digestRan(isoDateOf(dayOf(now))));
    });
  if (staleDigest) await each([0], async () => void (await digest(deps)));

  await each(overdue, (meta) => repairOverdue(meta));
  if (r.restarted + r.resent + r.reclaimed + r.overdueRepaired + r.errors > 0) deps.logger.info('sweep', { ...r });
  return r;
}

export const DOSSIER_QUARANTINED = 'sweep: dossier quarantined';

/**
 * A dossier whose execution died after every restart allowed, each time before it reached a wait (a poison dossier:
 * stored data that no longer parses, an input the handlers refuse; an execution stopped by a fault after it reached a
 * wait made progress, and counts from zero again) is not restarted again: it is quarantined with the reason the sweeper
 * can find, shown by GET /dossiers/{id}, and logged as an error that raises the operators' alarm on AWS. The store
 * keeps everything; an operator repairs the data and restarts it.
 */
async function quarantine(deps: Deps, meta: DossierMeta, now: Instant): Promise<boolean> {
  let reason = `its execution died ${meta.failedRestarts + 1} times in a row before reaching a wait`;
  try {
    await loadDossier(deps, meta.dossierId);
  } catch (err) {
    reason = `${(err as Error).name}: ${(err as Error).message}`;
  }
  const q = { reason, at: formatInstant(now), attempts: meta.attempt };
  const done = await deps.store.dossiers.quarantine(meta.dossierId, meta.attempt, q);
  if (done) deps.logger.error(DOSSIER_QUARANTINED, { dossierId: meta.dossierId, attempts: meta.attempt, reason });
  return done;
}

/**
 * The notices the policy makes due now for every step of a dossier, written if missing and sent when their window is
 * open.
 */
async function repairNotices(deps: Deps, dossierId: string, existing: NoticeRecord[]): Promise<number> {
  const dossier = await loadDossier(deps, dossierId);
  const now = deps.now();
  const settings = policyFor(deps.policy, dossier.state.procedureCode);
  const { due, delay } = await decide(deps, dossier, null, now, settings);
  const known = new Set(existing.map((n) => n.noticeId));
  let written = 0;
  for (const n of due) {
    if (known.has(n.noticeId)) continue;
    if (await deps.store.notices.put(noticeRecord(n, formatInstant(now)))) written++;
  }
  const ready = due.filter((n) => n.sendAfter + delay <= now).map((n) => n.noticeId);
  if (ready.length > 0) await notify(deps, dossierId, ready);
  return written;
}
