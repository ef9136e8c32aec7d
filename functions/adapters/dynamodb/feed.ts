import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FeedStore } from '../../app/ports.ts';
import { type FeedState, FeedStateSchema } from '../../schemas/records.ts';
import { parseItem, type TableClient } from './client.ts';
import { key } from './table.ts';

/** The national portal feed's state of each dossier, in the dossier's partition, written by revision. */
export class DynamoFeedStore implements FeedStore {
  constructor(private readonly table: TableClient) {}

  async get(dossierId: string): Promise<FeedState | null> {
    const r = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: key.feed(dossierId), ConsistentRead: true }),
    );
    return r.Item ? parseItem(FeedStateSchema, r.Item) : null;
  }

  async save(state: FeedState): Promise<boolean> {
    const first = state.revision === 1;
    return this.table.conditionally(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...key.feed(state.dossierId), ...state },
        ConditionExpression: first ? 'attribute_not_exists(pk)' : 'revision = :previous',
        ...(first ? {} : { ExpressionAttributeValues: { ':previous': state.revision - 1 } }),
      }),
    );
  }
}
