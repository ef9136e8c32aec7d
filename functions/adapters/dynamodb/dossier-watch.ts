import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DossierWatch } from '../../app/ports.ts';
import { nextWait } from '../../app/watch.ts';
import { type DossierMeta, DossierMetaSchema, type Quarantine } from '../../schemas/records.ts';
import { type Item, isConditionFailed, parseItem, type TableClient } from './client.ts';
import { key } from './table.ts';

/**
 * The writes of a dossier's META that follow its execution: the task tokens of its waits (registered
 * only while their step is open), the watch (index byWatch: the instant by which a live execution calls
 * again), restarts as new attempts, parking, and quarantine.
 */
export class DynamoDossierWatch implements DossierWatch {
  constructor(protected readonly table: TableClient) {}

  /**
   * Registers the task token of a step's wait, only while the step is open: a completion written
   * before the registration makes it fail, and the caller then completes the wait itself.
   */
  async registerToken(
    dossierId: string,
    stepId: string,
    token: string,
    watch?: { at: string; now: string },
  ): Promise<DossierMeta | null> {
    try {
      return await this.registerTokenOnce(dossierId, stepId, token, watch);
    } catch (err) {
      // A dossier saved before waits were kept has no map to set a step in: add it, then register.
      if ((err as { name?: string }).name !== 'ValidationException' || !watch) throw err;
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: key.dossier(dossierId),
          UpdateExpression: 'SET waits = if_not_exists(waits, :none)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':none': {} },
        }),
      );
      return this.registerTokenOnce(dossierId, stepId, token, watch);
    }
  }

  private async registerTokenOnce(
    dossierId: string,
    stepId: string,
    token: string,
    watch?: { at: string; now: string },
  ): Promise<DossierMeta | null> {
    const watchAt = watch?.at;
    try {
      const r = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: key.dossier(dossierId),
          // The registration is also the execution's heartbeat: this wait calls again by watchAt.
          // A wait reached: the restarts before it made progress (the sweeper's count of failures resets).
          UpdateExpression: `SET tokens.#step = :token${watchAt ? ', waits.#step = :watch, watchAt = :watch, gsi4sk = :g4sk, failedRestarts = :zero' : ''}`,
          ConditionExpression: 'attribute_exists(tokens) AND NOT contains(closedSteps, :step)',
          ExpressionAttributeNames: { '#step': stepId },
          ExpressionAttributeValues: {
            ':token': token,
            ':step': stepId,
            ...(watchAt ? { ':watch': watchAt, ':g4sk': `${watchAt}#${dossierId}`, ':zero': 0 } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const meta = toMeta(r.Attributes ?? {});
      if (watch) {
        // The wait of each open step is kept (waits); the watch is the earliest still ahead, so that a
        // parallel step's later wait never hides an earlier one.
        const earliest = nextWait(meta, watch.now);
        if (earliest !== null && earliest < watch.at) await this.expectCallBy(dossierId, earliest);
      }
      return meta;
    } catch (err) {
      if (isConditionFailed(err)) return null;
      throw err;
    }
  }
  /**
   * Puts the dossier's execution under watch (index byWatch) as attempt `attempt`, from `fromAttempt`
   * (null: the first execution, only if none was recorded). Restarting clears the tokens of the dead
   * execution, so that no callback goes to it. False: another writer moved the attempt first.
   */
  async watchExecution(
    dossierId: string,
    w: { attempt: number; fromAttempt: number | null; watchAt: string; countFailure?: boolean },
  ): Promise<boolean> {
    const values: Item = {
      ':attempt': w.attempt,
      ':watch': w.watchAt,
      ':g4pk': 'WATCH',
      ':g4sk': `${w.watchAt}#${dossierId}`,
    };
    let condition = 'attribute_exists(pk) AND attribute_not_exists(attempt)';
    let update = 'SET attempt = :attempt, watchAt = :watch, gsi4pk = :g4pk, gsi4sk = :g4sk';
    if (w.fromAttempt !== null) {
      values[':from'] = w.fromAttempt;
      values[':noTokens'] = {};
      values[':zero'] = 0;
      condition = w.fromAttempt === 1 ? 'attribute_not_exists(attempt) OR attempt = :from' : 'attempt = :from';
      // A new attempt: the dead (or parked) execution's tokens and waits go, and so does its parking.
      update += ', tokens = :noTokens, waits = :noTokens';
      if (w.countFailure !== false) {
        values[':one'] = 1;
        update += ', failedRestarts = if_not_exists(failedRestarts, :zero) + :one';
      } else delete values[':zero'];
    }
    return this.table.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.dossier(dossierId),
        UpdateExpression: w.fromAttempt === null ? update : `${update} REMOVE parkedAttempt, parkedUntil`,
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** Moves the watch of a live execution (attempt unchanged) to a later instant. */
  async extendWatch(dossierId: string, attempt: number, watchAt: string): Promise<boolean> {
    const sameAttempt = attempt === 1 ? '(attribute_not_exists(attempt) OR attempt = :a)' : 'attempt = :a';
    return this.table.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.dossier(dossierId),
        UpdateExpression: 'SET watchAt = :watch, gsi4sk = :g4sk',
        ConditionExpression: `${sameAttempt} AND attribute_exists(gsi4pk)`,
        ExpressionAttributeValues: { ':a': attempt, ':watch': watchAt, ':g4sk': `${watchAt}#${dossierId}` },
      }),
    );
  }

  /** Brings the watch of a dossier's execution forward to `watchAt` (never later; only while watched). */
  async expectCallBy(dossierId: string, watchAt: string): Promise<boolean> {
    return this.table.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.dossier(dossierId),
        UpdateExpression: 'SET watchAt = :watch, gsi4sk = :g4sk',
        ConditionExpression: 'attribute_exists(gsi4pk) AND watchAt > :watch',
        ExpressionAttributeValues: { ':watch': watchAt, ':g4sk': `${watchAt}#${dossierId}` },
      }),
    );
  }

  /** The sweeper gives up on the dossier: it leaves the watch (byWatch) with the reason, once per attempt. */
  async quarantine(dossierId: string, attempt: number, quarantine: Quarantine): Promise<boolean> {
    return this.table.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.dossier(dossierId),
        UpdateExpression: 'SET quarantine = :q REMOVE gsi4pk, gsi4sk, watchAt',
        ConditionExpression: attempt === 1 ? 'attribute_not_exists(attempt) OR attempt = :a' : 'attempt = :a',
        ExpressionAttributeValues: { ':q': quarantine, ':a': attempt },
      }),
    );
  }

  /**
   * Takes the given tokens off a stage's waits at once, only if each is still the one registered (no
   * callback or re-registration came between): their waits are then answered as parked by the caller.
   */
  async parkWaits(dossierId: string, tokens: Record<string, string>): Promise<boolean> {
    const steps = Object.keys(tokens);
    const names: Record<string, string> = {};
    const values: Item = {};
    steps.forEach((stepId, i) => {
      names[`#s${i}`] = stepId;
      values[`:t${i}`] = tokens[stepId];
    });
    return this.table.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.dossier(dossierId),
        UpdateExpression: `REMOVE ${steps.map((_, i) => `tokens.#s${i}`).join(', ')}`,
        ConditionExpression: steps.map((_, i) => `tokens.#s${i} = :t${i}`).join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Records that attempt `attempt` ends parked until `until`, watched from `watchAt` (the sweeper starts the
   * next attempt then), only if no event newer than the `version` it folded has been saved and the attempt
   * is still the current one and under watch. False: the caller waits again instead.
   */
  async park(
    dossierId: string,
    p: { attempt: number; version: number; until: string; watchAt: string },
  ): Promise<boolean> {
    const sameAttempt = p.attempt === 1 ? '(attribute_not_exists(attempt) OR attempt = :a)' : 'attempt = :a';
    return this.table.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.dossier(dossierId),
        UpdateExpression: 'SET parkedAttempt = :a, parkedUntil = :until, watchAt = :watch, gsi4sk = :g4sk',
        ConditionExpression: `${sameAttempt} AND attribute_exists(gsi4pk) AND version <= :v`,
        ExpressionAttributeValues: {
          ':a': p.attempt,
          ':v': p.version,
          ':until': p.until,
          ':watch': p.watchAt,
          ':g4sk': `${p.watchAt}#${dossierId}`,
        },
      }),
    );
  }
}

/** The META item as its record: defaults for what older items lack (attempt, waits, tokens). */
export function toMeta(item: Item): DossierMeta {
  return parseItem(DossierMetaSchema, {
    ...item,
    version: item.version ?? 0,
    open: item.gsi1pk === 'OPEN',
    dueAt: item.dueAt ?? null,
    holderUnitId: item.holderUnitId ?? null,
    closedSteps: item.closedSteps ?? [],
    tokens: item.tokens ?? {},
    attempt: item.attempt ?? 1,
    failedRestarts: item.failedRestarts ?? 0,
    waits: item.waits ?? {},
  });
}
