import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../../app/errors.ts';
import type { DossierStore, DueRange, Page, PageRequest, SavedSnapshot } from '../../app/ports.ts';
import {
  type DossierMeta,
  type DossierOutcome,
  type DossierSnapshot,
  type ReceivedDossier,
  ReceivedDossierSchema,
} from '../../schemas/records.ts';
import { decodeCursor, encodeCursor, type Item, isConditionFailed, parseItem } from './client.ts';
import { DynamoDossierWatch, toMeta } from './dossier-watch.ts';
import { key, listingKey } from './table.ts';

/**
 * Dossier snapshots (META), versioned by the number of events folded, with the workflow's task tokens
 * and the watch of the dossier's execution (written by DynamoDossierWatch). Indexes: open
 * dossiers by due instant (byCheckpoint), executions under watch by the instant they must call again
 * (byWatch, sparse).
 */
export class DynamoDossierStore extends DynamoDossierWatch implements DossierStore {
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
  async save(s: DossierSnapshot): Promise<SavedSnapshot> {
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
      return { saved: true, ...workflowOf(r.Attributes ? toMeta(r.Attributes) : null) };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      return { saved: false, ...workflowOf(await this.get(s.dossierId)) };
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

/** What the intake needs of the META to move the workflow: the tokens, the attempt, and whether it is parked. */
function workflowOf(meta: DossierMeta | null): Omit<SavedSnapshot, 'saved'> {
  const attempt = meta?.attempt ?? 1;
  return { tokens: meta?.tokens ?? {}, attempt, parked: meta?.parkedAttempt === attempt };
}
