import type { Logger } from '@aws-lambda-powertools/logger';
import type { WorkingCalendar } from '../core/calendar.ts';
import type { Instant } from '../core/instant.ts';
import type { PolicyFile } from '../schemas/policy.ts';
import type { Catalogue } from '../schemas/catalogue.ts';
import type { Notifier } from '../adapters/notifier.ts';
import type { Store, Unit } from '../adapters/store.ts';
import type { Executions, TaskCallbacks } from '../adapters/workflow.ts';

/** What the application services need; built once per process from configuration (AWS or local). */
export interface Deps {
  store: Store;
  callbacks: TaskCallbacks;
  executions: Executions;
  notifier: Notifier;
  calendar: WorkingCalendar;
  catalogue: Catalogue;
  policy: PolicyFile;
  now(): Instant;
  logger: Logger;
  /** Units read recently (heads and parents change rarely): see cachedUnit. */
  unitCache: Map<string, { unit: Unit | null; until: Instant }>;
}

/** How long a unit read from the store is reused: a change of head reaches notices within this. */
export const UNIT_CACHE_MS = 5 * 60_000;

/**
 * A live execution calls again (a checkpoint) when its wait times out; this margin covers the Task
 * retries and cold starts in between. Past it, the sweeper asks whether the execution still runs.
 */
export const WATCH_SLACK_MS = 5 * 60_000;

/** A notice claimed for sending longer ago than this lost its sender: another may take it over. */
export const CLAIM_LEASE_MS = 2 * 60_000;
