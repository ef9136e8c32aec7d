import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '../functions/adapters/dynamodb/table.ts';

/**
 * DynamoDB capacity as AWS would bill it, metered on the document client: ReturnConsumedCapacity from
 * dynalite for reads and writes (a write refused by its condition charged 1 WRU), and the index writes
 * dynalite does not count, from each item's images before and after the write (the last image seen, and
 * the Put's item or the Update's ALL_NEW): per index (projection ALL) an item entering, leaving or
 * changing in place costs one write, a changed index key two, each the size of the item in 1 KB units.
 */
export interface CapacityMeter {
  rru: number;
  wru: number;
  indexWru: number;
  refusedWrites: number;
}

export function meterCapacity(doc: DynamoDBDocumentClient): CapacityMeter {
  const capacity: CapacityMeter = { rru: 0, wru: 0, indexWru: 0, refusedWrites: 0 };
  /** The last image of every item written (the table starts empty), to price its index writes. */
  const images = new Map<string, Record<string, unknown> | null>();
  const indexWrites = (
    before: Record<string, unknown> | null | undefined,
    after: Record<string, unknown> | null,
  ): number => {
    let writes = 0;
    for (const i of TABLE_KEYS.indexes) {
      const keyOf = (item: Record<string, unknown> | null | undefined) =>
        item && item[i.partitionKey.name] !== undefined && item[i.sortKey.name] !== undefined
          ? `${String(item[i.partitionKey.name])}\u0000${String(item[i.sortKey.name])}`
          : null;
      const [was, is] = [keyOf(before), keyOf(after)];
      if (was !== null && is !== null) writes += was === is ? 1 : 2;
      else if (was !== null || is !== null) writes += 1;
    }
    return writes;
  };
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      type Attr = string | { S?: string } | undefined;
      const input = args.input as {
        ReturnConsumedCapacity?: string;
        ReturnValues?: string;
        Key?: Record<string, Attr>;
        Item?: Record<string, Attr>;
      };
      input.ReturnConsumedCapacity = 'TOTAL';
      const command = context.commandName ?? '';
      const isRead = /^(GetItem|Query|Scan|BatchGetItem)Command$/.test(command);
      // Marshalled ({ S: … }) or not, depending on where the document client's marshalling runs.
      const text = (a: Attr) => (typeof a === 'string' ? a : (a?.S ?? ''));
      const itemKey = `${text((input.Key ?? input.Item)?.pk)}|${text((input.Key ?? input.Item)?.sk)}`;
      // The new image of an update, asked for when the store did not ask for it itself (and then hidden).
      const askedNew =
        command === 'UpdateItemCommand' && (input.ReturnValues === undefined || input.ReturnValues === 'NONE');
      if (askedNew) input.ReturnValues = 'ALL_NEW';
      try {
        const result = await next(args);
        const output = result.output as {
          ConsumedCapacity?: { CapacityUnits?: number };
          Attributes?: Record<string, unknown>;
        };
        const units = output.ConsumedCapacity?.CapacityUnits ?? 0;
        if (isRead) capacity.rru += units;
        else {
          capacity.wru += units;
          const after =
            command === 'PutItemCommand'
              ? (input.Item as Record<string, unknown>)
              : command === 'UpdateItemCommand'
                ? (output.Attributes ?? null)
                : command === 'DeleteItemCommand'
                  ? null
                  : undefined;
          if (after === undefined) throw new Error(`cost bench: no image for ${command}`);
          capacity.indexWru += indexWrites(images.get(itemKey), after) * units;
          images.set(itemKey, after);
          if (askedNew) delete output.Attributes;
        }
        return result;
      } catch (err) {
        if (!isRead && (err as { name?: string }).name === 'ConditionalCheckFailedException') {
          capacity.wru += 1;
          capacity.refusedWrites++;
        }
        throw err;
      }
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  return capacity;
}
