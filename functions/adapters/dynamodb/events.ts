import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EventStore } from '../../app/ports.ts';
import { type PutEventResult, type StoredEvent, StoredEventSchema } from '../../schemas/records.ts';
import { isConditionFailed, parseItem, type TableClient } from './client.ts';
import { key } from './table.ts';

/** Events, in their dossier's or unit's partition, written once by id. */
export class DynamoEventStore implements EventStore {
  constructor(private readonly table: TableClient) {}

  /** Writes an event once. Same id and same body: a duplicate; same id, other body: a conflict. */
  async put(partition: { dossierId: string } | { unitId: string }, event: StoredEvent): Promise<PutEventResult> {
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
      const existing = await doc.send(new GetCommand({ TableName: tableName, Key: k }));
      return existing.Item?.body === event.body ? 'duplicate' : 'conflict';
    }
  }

  async ofDossier(dossierId: string): Promise<StoredEvent[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': key.dossier(dossierId).pk, ':sk': 'EVENT#' },
    });
    return items.map((i) => parseItem(StoredEventSchema, i));
  }
}
