import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { InvalidInputError, StoredDataError } from '../../app/errors.ts';
import { describeZodError } from '../../schemas/errors.ts';

/**
 * dunghan's one DynamoDB table as the repositories share it: the document client, the call counters,
 * a conditional write, a paged query and the parsing of items by their record schema. Single-item
 * conditional writes only (no TransactWriteItems: dynalite lacks it).
 */

export interface StoreStats {
  reads: number;
  writes: number;
  /** Calls under way now (the local simulated clock advances only when none is). */
  inFlight: number;
}

// Command names as the inner DynamoDB client sees them.
const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);

export type Item = Record<string, unknown>;

export class TableClient {
  readonly stats: StoreStats = { reads: 0, writes: 0, inFlight: 0 };
  readonly doc: DynamoDBDocumentClient;

  constructor(
    readonly tableName: string,
    clientConfig: DynamoDBClientConfig = {},
  ) {
    this.doc = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig), {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (READS.has(context.commandName ?? '')) this.stats.reads++;
        else this.stats.writes++;
        this.stats.inFlight++;
        try {
          return await next(args);
        } finally {
          this.stats.inFlight--;
        }
      },
      { step: 'initialize', name: 'dunghanStoreStats' },
    );
  }

  /** Sends a conditional write: false when its condition does not hold (another writer was first). */
  async conditionally(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      // The union does not select an overload of send().
      await (command instanceof PutCommand ? this.doc.send(command) : this.doc.send(command));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** Every page of a query. */
  async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }),
      );
      out.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

/** An item read back as its record: a mismatch is corrupt data, named with the item's key. */
export function parseItem<S extends z.ZodType>(schema: S, item: Item): z.output<S> {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  throw new StoredDataError(
    `stored item ${String(item.pk)} ${String(item.sk)} does not parse: ${describeZodError(parsed.error)}`,
  );
}

export function isConditionFailed(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/** A query's LastEvaluatedKey as an opaque cursor for the API (base64url JSON of the key's strings). */
export function encodeCursor(lastKey: Item): string {
  return Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
}

/** A cursor back into the key to start after; one this API did not give is refused, naming the field. */
export function decodeCursor(cursor: string): Item {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key) && Object.values(key).every((v) => typeof v === 'string'))
      return key as Item;
  } catch {
    // refused below
  }
  throw new InvalidInputError('cursor', 'is not a cursor this API gave', 'invalid_request');
}
