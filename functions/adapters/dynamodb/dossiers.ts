import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../../app/errors.ts';
import type { DossierStore, DueRange, Page, PageRequest } from '../../app/ports.ts';
import { nextWait } from '../../app/watch.ts';
import {
  type DossierMeta,
  DossierMetaSchema,
  type DossierOutcome,
  type DossierSnapshot,
  type Quarantine,
  type ReceivedDossier,
  ReceivedDossierSchema,
} from '../../schemas/records.ts';
import { decodeCursor, encodeCursor, type Item, isConditionFailed, parseItem, type TableClient } from './client.ts';
import { key, listingKey } from './table.ts';

/**
 * Dossier snapshots (META), versioned by the number of events folded, with the workflow's task tokens
 * (registered only while their step is open) and the watch of the dossier's execution. Indexes: open
 * dossiers by due instant (byCheckpoint), executions under watch by the instant they must call again
 * (byWatch, sparse).
 */
export class DynamoDossierStore implements DossierStore {
  constructor(private readonly table: TableClient) {}

  async get(dossierId: string): Promise<DossierMeta | null> {
    const r = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: key.dossier(dossierId) }),
    );
    return r.Item ? toMeta(r.Item) : null;
  }

  /**
   * Writes a dossier snapshot unless a newer one (a fold of more events) is already there. Returns the
   * registered task tokens either way: the caller calls back the tokens of steps it closed.
   */
  async save(s: DossierSnapshot): Promise<{ saved: boolean; tokens: Record<string, string>; attempt: number }> {
    try {
      // The listings: an open dossier with a holder is in its holder's list (byHolderDue); a dossier with its facts
      // is listed by receipt (byReceipt).
      const listed = s.open && s.holderUnitId !== null;
      const values: Item = {
        ':id': s.dossierId,
        ':v': s.version,
        ':status': s.status,
        ':due': s.dueAt,
        ':holder': s.holderUnitId,
        // A list, not a string set: a set cannot be empty. Conditions use contains() on it.
        ':closed': s.closedSteps,
        ':g1pk': s.open ? 'OPEN' : 'CLOSED',
        ':g1sk': `${s.dueAt ?? '9999'}#${s.dossierId}`,
        ':noTokens': {},
      };
      let set =
        'SET dossierId = :id, version = :v, #status = :status, dueAt = :due, holderUnitId = :holder, ' +
        'closedSteps = :closed, gsi1pk = :g1pk, gsi1sk = :g1sk, ' +
        'tokens = if_not_exists(tokens, :noTokens), waits = if_not_exists(waits, :noTokens)';
      if (listed) {
        set += ', gsi6pk = :g6pk, gsi6sk = :g6sk';
        values[':g6pk'] = listingKey.holder(s.holderUnitId!);
        values[':g6sk'] = listingKey.holderDue(s.dueAt, s.dossierId);
      }
      if (s.receivedAt !== undefined) {
        set += ', receivedAt = :received';
        values[':received'] = s.receivedAt;
      }
      if (s.facts) {
        set += ', facts = :facts, gsi7pk = :g7pk, gsi7sk = :g7sk';
        values[':facts'] = s.facts;
        values[':g7pk'] = listingKey.receivedMonth(s.facts.receivedAt);
        values[':g7sk'] = listingKey.received(s.facts.receivedAt, s.dossierId);
      }
      const r = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: key.dossier(s.dossierId),
          UpdateExpression: listed ? set : `${set} REMOVE gsi6pk, gsi6sk`,
          ConditionExpression: 'attribute_not_exists(version) OR version < :v',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      const meta = r.Attributes ? toMeta(r.Attributes) : null;
      return { saved: true, tokens: meta?.tokens ?? {}, attempt: meta?.attempt ?? 1 };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const meta = await this.get(s.dossierId);
      return { saved: false, tokens: meta?.tokens ?? {}, attempt: meta?.attempt ?? 1 };
    }
  }

  /**
   * Registers the task token of a step's wait, only while the step is open: a completion written
   * before the registration makes it fail, and the caller then completes the wait itself.
   */
  async registerToken(
    dossierId: string,
    stepId: string,
    token: string,
    watch?: { at: string; now: string },
  ): Promise<boolean> {
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
  ): Promise<boolean> {
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
          ReturnValues: watchAt ? 'ALL_NEW' : 'NONE',
        }),
      );
      if (watch && r.Attributes) {
        // The wait of each open step is kept (waits); the watch is the earliest still ahead, so that a
        // parallel step's later wait never hides an earlier one.
        const earliest = nextWait(toMeta(r.Attributes), watch.now);
        if (earliest !== null && earliest < watch.at) await this.expectCallBy(dossierId, earliest);
      }
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  async recordOutcome(dossierId: string, outcome: DossierOutcome): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.dossier(dossierId),
        // The execution ended its work: the dossier leaves the watch (index byWatch).
        UpdateExpression: 'SET outcome = :o REMOVE gsi4pk, gsi4sk, watchAt',
        ExpressionAttributeValues: { ':o': outcome },
      }),
    );
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
        UpdateExpression: update,
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

  /** Dossiers whose execution should have called before `beforeIso` (index byWatch). */
  async watchedBefore(beforeIso: string): Promise<DossierMeta[]> {
    const items = await this.table.queryAll({
      IndexName: 'byWatch',
      KeyConditionExpression: 'gsi4pk = :w AND gsi4sk < :before',
      ExpressionAttributeValues: { ':w': 'WATCH', ':before': beforeIso },
    });
    return items.map(toMeta);
  }

  /** Open dossiers whose current due instant is before `beforeIso` (index byCheckpoint). */
  async openOverdue(beforeIso: string): Promise<DossierMeta[]> {
    const items = await this.table.queryAll({
      IndexName: 'byCheckpoint',
      KeyConditionExpression: 'gsi1pk = :open AND gsi1sk < :before',
      ExpressionAttributeValues: { ':open': 'OPEN', ':before': beforeIso },
    });
    return items.map(toMeta);
  }

  /** Open dossiers whose current due instant is in [fromIso, beforeIso) (index byCheckpoint). */
  async openOverdueSince(fromIso: string, beforeIso: string): Promise<DossierMeta[]> {
    const items = await this.table.queryAll({
      IndexName: 'byCheckpoint',
      KeyConditionExpression: 'gsi1pk = :open AND gsi1sk BETWEEN :from AND :before',
      ExpressionAttributeValues: { ':open': 'OPEN', ':from': fromIso, ':before': beforeIso },
    });
    return items.map(toMeta);
  }

  /** A page of the open dossiers held by a unit, by due instant, within [from, before) (index byHolderDue). */
  async heldBy(unitId: string, range: DueRange, page: PageRequest): Promise<Page<DossierMeta>> {
    const r = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: 'byHolderDue',
        KeyConditionExpression: 'gsi6pk = :h AND gsi6sk BETWEEN :from AND :before',
        ExpressionAttributeValues: {
          ':h': listingKey.holder(unitId),
          ':from': range.from ?? '',
          ':before': range.before ?? '~',
        },
        ScanIndexForward: !page.newestFirst,
        Limit: page.limit,
        ...(page.cursor ? { ExclusiveStartKey: startKey(page.cursor, listingKey.holder(unitId)) } : {}),
      }),
    );
    return { items: (r.Items ?? []).map(toMeta), cursor: r.LastEvaluatedKey ? encodeCursor(r.LastEvaluatedKey) : null };
  }

  /**
   * The facts of the dossiers received in [fromIso, toIso) (ISO at +07:00), one month partition at a time (index
   * byReceipt); only the facts are read (a projection), as the report needs nothing else.
   */
  async receivedBetween(fromIso: string, toIso: string): Promise<ReceivedDossier[]> {
    const out: ReceivedDossier[] = [];
    for (const month of monthsBetween(fromIso, toIso)) {
      const items = await this.table.queryAll({
        IndexName: 'byReceipt',
        KeyConditionExpression: 'gsi7pk = :m AND gsi7sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':m': `RECEIVED#${month}`, ':from': fromIso, ':to': toIso },
        ProjectionExpression: 'dossierId, facts',
      });
      for (const item of items) out.push(parseItem(ReceivedDossierSchema, item));
    }
    return out;
  }
}

/** A cursor of this unit's list: one from another list is refused, not answered with an error of the store. */
function startKey(cursor: string, partition: string): Item {
  const start = decodeCursor(cursor);
  if (start.gsi6pk !== partition) throw new InvalidInputError('cursor', 'belongs to another list', 'invalid_request');
  return start;
}

/** The months (YYYY-MM) from the one of `fromIso` to the one of `toIso`. */
function monthsBetween(fromIso: string, toIso: string): string[] {
  const months: string[] = [];
  let [y, m] = [Number(fromIso.slice(0, 4)), Number(fromIso.slice(5, 7))];
  const last = toIso.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > last) return months;
    months.push(month);
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
}

/** The META item as its record: defaults for what older items lack (attempt, waits, tokens). */
function toMeta(item: Item): DossierMeta {
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
