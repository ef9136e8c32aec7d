import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EventStore } from '../../app/ports.ts';
import {
  type NoticeRecord,
  NoticeRecordSchema,
  type PutEventResult,
  type StoredEvent,
  StoredEventSchema,
} from '../../schemas/records.ts';
import { isConditionFailed, parseItem, type TableClient } from './client.ts';
import { key } from './table.ts';

/**
 * Events, in their dossier's or unit's partition, written once by id. An eventId names one event in
 * the whole store, whatever dossier or unit it names: the first delivery claims the id (an item keyed
 * by the eventId alone, with a digest of the event), then writes the event in its partition. Two
 * conditional single-item writes, no transaction (dynalite has none):
 * - a delivery that died between them left the claim alone: the redelivery finds its own claim, writes
 *   the event, and goes on as a duplicate (the intake finishes what the dead delivery left);
 * - another event under a claimed id is a conflict, even when its own partition has nothing.
 * Events stored before claims existed have none: a delivery of one of them again is compared in its
 * partition as before, and claims it.
 */
export class DynamoEventStore implements EventStore {
  constructor(private readonly table: TableClient) {}

  /** Writes an event once. Same id and same body: a duplicate; same id, other body: a conflict. */
  async put(partition: { dossierId: string } | { unitId: string }, event: StoredEvent): Promise<PutEventResult> {
    const where = 'dossierId' in partition ? `DOSSIER#${partition.dossierId}` : `UNIT#${partition.unitId}`;
    const digest = createHash('sha256').update(where).update('\n').update(event.body).digest('base64url');
    const claim = await this.claim(event.eventId, digest);
    if (claim === 'other') return 'conflict';
    const stored = await this.putInPartition(partition, event);
    if (stored === 'conflict' && claim === 'claimed') {
      // An event stored before claims, under the same id with other content: the id stays with it.
      await this.table.doc
        .send(
          new DeleteCommand({
            TableName: this.table.tableName,
            Key: key.eventClaim(event.eventId),
            ConditionExpression: 'digest = :d',
            ExpressionAttributeValues: { ':d': digest },
          }),
        )
        .catch((err: unknown) => {
          if (!isConditionFailed(err)) throw err;
        });
    }
    if (stored === 'conflict') return 'conflict';
    return claim === 'claimed' && stored === 'created' ? 'created' : 'duplicate';
  }

  async ofDossier(dossierId: string): Promise<StoredEvent[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': key.dossier(dossierId).pk, ':sk': 'EVENT#' },
    });
    return items.map((i) => parseItem(StoredEventSchema, i));
  }

  /**
   * The events and the notices of a dossier with one query of its partition (sort keys EVENT# < FEED <
   * META < NOTICE#): a task that needs both pays one read, not two. Other items of the partition are
   * left aside; each item kept is parsed by its record schema.
   */
  async ofDossierWithNotices(dossierId: string): Promise<{ events: StoredEvent[]; notices: NoticeRecord[] }> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk >= :sk',
      ExpressionAttributeValues: { ':pk': key.dossier(dossierId).pk, ':sk': 'EVENT#' },
    });
    const events: StoredEvent[] = [];
    const notices: NoticeRecord[] = [];
    for (const item of items) {
      const sk = String(item.sk);
      if (sk.startsWith('EVENT#')) events.push(parseItem(StoredEventSchema, item));
      else if (sk.startsWith('NOTICE#')) notices.push(parseItem(NoticeRecordSchema, item));
    }
    return { events, notices };
  }

  /** 'claimed' now, 'ours' (an earlier delivery of this same event claimed it) or 'other'. */
  private async claim(eventId: string, digest: string): Promise<'claimed' | 'ours' | 'other'> {
    const { tableName, doc } = this.table;
    const k = key.eventClaim(eventId);
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...k, eventId, digest },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'claimed';
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const existing = await doc.send(new GetCommand({ TableName: tableName, Key: k, ConsistentRead: true }));
      return existing.Item?.digest === digest ? 'ours' : 'other';
    }
  }

  private async putInPartition(
    partition: { dossierId: string } | { unitId: string },
    event: StoredEvent,
  ): Promise<PutEventResult> {
    const k =
      'dossierId' in partition
        ? key.dossierEvent(partition.dossierId, event.eventId)
        : key.unitEvent(partition.unitId, event.eventId);
    const { tableName, doc } = this.table;
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...k, ...event },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const existing = await doc.send(new GetCommand({ TableName: tableName, Key: k, ConsistentRead: true }));
      return existing.Item?.body === event.body ? 'duplicate' : 'conflict';
    }
  }
}
