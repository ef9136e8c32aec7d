import { formatInstant, type Instant } from '../core/instant.ts';
import type { DossierMeta } from '../schemas/records.ts';
import type { Deps, ExecutionStatus } from './ports.ts';
import { WATCH_SLACK_MS } from './timing.ts';

/**
 * Starting a dossier's execution again from the store, the source of truth: the sweeper's repair of an
 * execution that died, and the start of a process whose executions lived in its memory (the embedded
 * stack after a stop or a crash). README, "When things fail".
 */

/**
 * Moves the dossier's META to the next attempt (conditional: one writer wins; the dead execution's
 * tokens are cleared, so no callback goes to it), then starts `<dossierId>+r<n>` with the same ids-only
 * input; it re-plans from the store. False: another writer moved the attempt elsewhere first. A start that
 * fails leaves the new attempt "missing", and the next sweep tries again.
 */
export async function restartExecution(
  deps: Deps,
  meta: Pick<DossierMeta, 'dossierId' | 'attempt'>,
  now: Instant,
  options: { countFailure: boolean; was: ExecutionStatus | 'parked' },
): Promise<boolean> {
  const attempt = meta.attempt + 1;
  const moved = await deps.store.dossiers.watchExecution(meta.dossierId, {
    attempt,
    fromAttempt: meta.attempt,
    watchAt: formatInstant(now + WATCH_SLACK_MS),
    countFailure: options.countFailure,
  });
  if (!moved) {
    // Another writer may have made this very write (a sweep beside this one, or our own write whose answer
    // was lost): the attempt is then as much ours to start. A start by name is idempotent (the same
    // execution, 'exists'), so the attempt never waits a sweep for a writer that died before its start.
    const current = await deps.store.dossiers.get(meta.dossierId);
    if (current?.attempt !== attempt || current.quarantine || !current.open) return false;
  }
  deps.logger.info('execution restarted', { dossierId: meta.dossierId, attempt, was: options.was });
  await deps.executions.start(meta.dossierId, attempt);
  return true;
}

export interface ResumeResult {
  /** Dossiers under watch (open, their execution not finalized, not quarantined). */
  watched: number;
  /** Started again from the store. */
  resumed: number;
  /** Their execution runs already (started meanwhile by an intake or a sweep). */
  alive: number;
  /** Parked until a later checkpoint: the sweeper starts them shortly before it (or an event, at once). */
  parked: number;
  /** Restarted so often in a row that the sweeper decides (it quarantines a poison dossier). */
  leftToSweeper: number;
  /** Notices claimed by a sender of the previous process, given back (see ResumeOptions.soleSender). */
  releasedClaims: number;
  /** Left for the sweeper by a store or engine error, or by the stop of the process. */
  errors: number;
}

export interface ResumeOptions {
  /** Restarts started together before `betweenBatches`. @default 50 */
  batchSize?: number;
  /** Awaited after each batch: the caller lets the batch reach its waits before the next one starts. */
  betweenBatches?: () => Promise<void>;
  /** True once the process is stopping: no further batch starts. */
  stopping?: () => boolean;
  /**
   * This process started at this instant and is the only sender of the store's notices (the embedded
   * stack: its data folder is locked to one process), so a notice claimed before it and never settled
   * was claimed by a sender that died with the previous process: it is given back now (pending) rather
   * than after the claim's lease, and the resumed execution sends it. Never on AWS, where other senders
   * live.
   */
  soleSenderSince?: Instant;
}

/**
 * At the start of a process that runs the executions in its own memory: every dossier under watch whose
 * execution is not running is started again at once, in bounded batches, so that its checkpoints and
 * notices come on time rather than at the next sweep after its watch. Such a restart is not the
 * dossier's failure (the process died, not the execution), so it does not count towards quarantine.
 */
export async function resumeExecutions(deps: Deps, options: ResumeOptions = {}): Promise<ResumeResult> {
  const batchSize = options.batchSize ?? 50;
  const r: ResumeResult = {
    watched: 0,
    resumed: 0,
    alive: 0,
    parked: 0,
    leftToSweeper: 0,
    releasedClaims: 0,
    errors: 0,
  };
  if (options.soleSenderSince !== undefined) {
    const since = formatInstant(options.soleSenderSince);
    for (const n of await deps.store.notices.byStatus('pending')) {
      if (n.status !== 'sending' || n.claimId === undefined || (n.claimedAt ?? '') >= since) continue;
      if (await deps.store.notices.release(n.dossierId, n.noticeId, n.claimId)) r.releasedClaims++;
    }
  }
  const watched = await deps.store.dossiers.watchedBefore('9999');
  r.watched = watched.length;
  for (let i = 0; i < watched.length; i += batchSize) {
    if (options.stopping?.()) {
      r.errors += watched.length - i;
      break;
    }
    await Promise.all(
      watched.slice(i, i + batchSize).map(async (meta) => {
        try {
          if (isParked(meta) && (meta.watchAt ?? '') > formatInstant(deps.now())) {
            r.parked++;
            return;
          }
          const status = await deps.executions.status(meta.dossierId, meta.attempt);
          if (status === 'running') r.alive++;
          else if (!isParked(meta) && meta.failedRestarts >= deps.policy.operations.maxRestarts) r.leftToSweeper++;
          else if (await restartExecution(deps, meta, deps.now(), { countFailure: false, was: status })) r.resumed++;
          else r.alive++;
        } catch (err) {
          r.errors++;
          deps.logger.warn('resume: left for the sweeper', { dossierId: meta.dossierId, error: (err as Error).name });
        }
      }),
    );
    await options.betweenBatches?.();
  }
  deps.logger.info('executions resumed', { ...r });
  return r;
}

/** The current attempt's execution ended parked (park.ts): not dead, its next start is due at its watch. */
export function isParked(meta: Pick<DossierMeta, 'attempt' | 'parkedAttempt'>): boolean {
  return meta.parkedAttempt === meta.attempt;
}
