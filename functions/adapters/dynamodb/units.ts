import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { UnitStore } from '../../app/ports.ts';
import { type Unit, UnitRecordSchema } from '../../schemas/records.ts';
import { parseItem, type TableClient } from './client.ts';
import { key } from './table.ts';

/** Units of the province, each written by its latest upsert. */
export class DynamoUnitStore implements UnitStore {
  constructor(private readonly table: TableClient) {}

  /** Writes a unit unless a version from a later event is already there (out-of-order upserts). */
  async upsert(unit: Unit): Promise<boolean> {
    return this.table.conditionally(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...key.unit(unit.unitId), ...unit, gsi5pk: 'UNIT', gsi5sk: unit.unitId },
        ConditionExpression: 'attribute_not_exists(updatedAt) OR updatedAt <= :at',
        ExpressionAttributeValues: { ':at': unit.updatedAt },
      }),
    );
  }

  async get(unitId: string): Promise<Unit | null> {
    const r = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: key.unit(unitId) }));
    return r.Item ? parseItem(UnitRecordSchema, r.Item) : null;
  }

  async list(): Promise<Unit[]> {
    const items = await this.table.queryAll({
      IndexName: 'allUnits',
      KeyConditionExpression: 'gsi5pk = :u',
      ExpressionAttributeValues: { ':u': 'UNIT' },
    });
    return items.map((i) => parseItem(UnitRecordSchema, i));
  }
}
