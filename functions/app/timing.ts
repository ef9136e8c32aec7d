/** How long a unit read from the store is reused: a change of head reaches notices within this. */
export const UNIT_CACHE_MS = 5 * 60_000;

/**
 * A live execution calls again (a checkpoint) when its wait times out; this margin covers the Task
 * retries and cold starts in between. Past it, the sweeper asks whether the execution still runs.
 */
export const WATCH_SLACK_MS = 5 * 60_000;

/** A notice claimed for sending longer ago than this lost its sender: another may take it over. */
export const CLAIM_LEASE_MS = 2 * 60_000;

/** A claim can be taken over a second after its lease: when a checkpoint looks again for a held notice. */
export const TAKE_OVER_AFTER_MS = CLAIM_LEASE_MS + 1000;

/**
 * A parked dossier's execution is started again this long before its next checkpoint: two runs of the
 * sweeper (every 15 minutes), so that one that fails leaves time for the next.
 */
export const PARK_WAKE_LEAD_MS = 30 * 60_000;
