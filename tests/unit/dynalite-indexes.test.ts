import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessDynalite, inProcessDynalite } from '../../local/dynalite-handler.ts';

// The local table's indexes hold keys only (local/dynalite-indexes.ts); a query of an index still answers
// as an index of projection ALL does: whole items, in the index's order, filtered and paged the same,
// capacity counted on the items, and an item moved or gone answers only where it now is.

const S = (s: string) => ({ S: s });
const TABLE = 'indexes';
let dynalite: InProcessDynalite;

async function call(operation: string, body: Record<string, unknown>) {
  const r = await dynalite.call(operation, JSON.stringify({ TableName: TABLE, ...body }));
  expect(r.statusCode, JSON.stringify(r.body)).toBe(200);
  return r.body as {
    Items?: Record<string, { S: string }>[];
    Count?: number;
    ScannedCount?: number;
    LastEvaluatedKey?: unknown;
    ConsumedCapacity?: { CapacityUnits: number; GlobalSecondaryIndexes?: Record<string, { CapacityUnits: number }> };
  };
}
const put = (pk: string, extra: Record<string, string>) =>
  call('PutItem', {
    Item: Object.fromEntries([['pk', S(pk)], ...Object.entries(extra).map(([k, v]) => [k, S(v)])]),
  });
const byWatch = async (more: Record<string, unknown> = {}) => {
  const r = await call('Query', {
    IndexName: 'byWatch',
    KeyConditionExpression: 'w = :w',
    ExpressionAttributeValues: { ':w': S('WATCH'), ...((more.ExpressionAttributeValues as object) ?? {}) },
    ...Object.fromEntries(Object.entries(more).filter(([k]) => k !== 'ExpressionAttributeValues')),
  });
  return { ...r, ids: (r.Items ?? []).map((i) => `${i.pk!.S}@${i.at!.S}`) };
};

beforeAll(async () => {
  dynalite = inProcessDynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await dynalite.open();
  await call('CreateTable', {
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'w', AttributeType: 'S' },
      { AttributeName: 'at', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'byWatch',
        KeySchema: [
          { AttributeName: 'w', KeyType: 'HASH' },
          { AttributeName: 'at', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  });
  await dynalite.tableActive(TABLE);
});
afterAll(() => dynalite.close());

describe('the local table’s indexes of keys', () => {
  it('answer whole items in the index’s order, as they are now', async () => {
    await put('a', { w: 'WATCH', at: '3', note: 'first' });
    await put('b', { w: 'WATCH', at: '1', note: 'second' });
    await put('c', { note: 'not watched' });
    const r = await byWatch();
    expect(r.ids).toEqual(['b@1', 'a@3']);
    expect(r.Items?.find((i) => i.pk!.S === 'a')).toEqual({ pk: S('a'), w: S('WATCH'), at: S('3'), note: S('first') });

    // A change of other attributes is read from the item; a changed index key moves it.
    await call('UpdateItem', {
      Key: { pk: S('b') },
      UpdateExpression: 'SET note = :n, #at = :at',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':n': S('moved'), ':at': S('5') },
    });
    const moved = await byWatch();
    expect(moved.ids).toEqual(['a@3', 'b@5']);
    expect(moved.Items?.[1]?.note).toEqual(S('moved'));

    // Out of the index and back; gone with the item.
    await call('UpdateItem', { Key: { pk: S('a') }, UpdateExpression: 'REMOVE w' });
    expect((await byWatch()).ids).toEqual(['b@5']);
    await call('UpdateItem', {
      Key: { pk: S('a') },
      UpdateExpression: 'SET w = :w',
      ExpressionAttributeValues: { ':w': S('WATCH') },
    });
    expect((await byWatch()).ids).toEqual(['a@3', 'b@5']);
    await call('DeleteItem', { Key: { pk: S('a') } });
    expect((await byWatch()).ids).toEqual(['b@5']);
  });

  it('filter, page and count as before, capacity on the items', async () => {
    for (let i = 0; i < 5; i++) await put(`p${i}`, { w: 'WATCH', at: `p${i}`, kind: i % 2 ? 'odd' : 'even' });
    const all = await byWatch({
      KeyConditionExpression: 'w = :w AND begins_with(#at, :p)',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':p': S('p') },
    });
    expect(all.ids).toEqual(['p0@p0', 'p1@p1', 'p2@p2', 'p3@p3', 'p4@p4']);
    const odd = await byWatch({
      KeyConditionExpression: 'w = :w AND begins_with(#at, :p)',
      FilterExpression: 'kind = :k',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':p': S('p'), ':k': S('odd') },
    });
    expect({ ids: odd.ids, count: odd.Count, scanned: odd.ScannedCount }).toEqual({
      ids: ['p1@p1', 'p3@p3'],
      count: 2,
      scanned: 5,
    });
    const page = await byWatch({
      KeyConditionExpression: 'w = :w AND begins_with(#at, :p)',
      Limit: 2,
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':p': S('p') },
    });
    expect(page.ids).toEqual(['p0@p0', 'p1@p1']);
    const next = await byWatch({
      KeyConditionExpression: 'w = :w AND begins_with(#at, :p)',
      ExclusiveStartKey: page.LastEvaluatedKey,
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':p': S('p') },
    });
    expect(next.ids).toEqual(['p2@p2', 'p3@p3', 'p4@p4']);

    // 10 KB of item read through the index: 3 units of 4 KB, halved (eventually consistent), on the index.
    await put('big', { w: 'WATCH', at: 'z', blob: 'x'.repeat(10_000) });
    const big = await byWatch({
      KeyConditionExpression: 'w = :w AND #at = :z',
      ReturnConsumedCapacity: 'INDEXES',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':z': S('z') },
    });
    expect(big.Items?.[0]?.blob?.S).toHaveLength(10_000);
    expect(big.ConsumedCapacity?.CapacityUnits).toBe(1.5);
    expect(big.ConsumedCapacity?.GlobalSecondaryIndexes?.byWatch?.CapacityUnits).toBe(1.5);
  });
});
