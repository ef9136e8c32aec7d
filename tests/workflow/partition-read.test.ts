import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoStore } from '../../functions/adapters/dynamodb/store.ts';
import { key } from '../../functions/adapters/dynamodb/table.ts';
import { StoredDataError } from '../../functions/app/errors.ts';
import { startLocalStore } from '../../local/dynamo.ts';
import { pendingNotice } from '../support/store.ts';

// A dossier's events and notices in one read of its partition: the same records as the two reads it
// replaces, every item parsed by its record schema, the partition's other items left aside.
let store: DynamoStore;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ store, close } = await startLocalStore());
});
afterAll(async () => {
  await close();
});

const AT = '2026-03-02T08:00:00+07:00';
const notice = (dossierId: string, noticeId: string) => pendingNotice(dossierId, noticeId, AT, 1);

async function dossierWithEverything(dossierId: string): Promise<void> {
  for (const id of ['e-2', 'e-1', 'e-3'])
    await store.events.put(
      { dossierId },
      { eventId: `${dossierId}-${id}`, type: 'step.completed', at: Date.parse(AT), body: '{}' },
    );
  for (const id of ['n-b', 'n-a']) expect(await store.notices.put(notice(dossierId, `${dossierId}-${id}`))).toBe(true);
  // The partition's other items, between the events and the notices by sort key.
  for (const k of [key.feed(dossierId), key.dossier(dossierId)])
    await store.table.doc.send(new PutCommand({ TableName: store.table.tableName, Item: { ...k, dossierId } }));
}

describe('the events and notices of a dossier, in one read', () => {
  it('gives what the two reads give, in one query, leaving META and FEED aside', async () => {
    await dossierWithEverything('P-1');
    // A neighbouring partition whose key starts the same is not read.
    await dossierWithEverything('P-10');
    const events = await store.events.ofDossier('P-1');
    const notices = await store.notices.ofDossier('P-1');
    expect(events).toHaveLength(3);
    expect(notices).toHaveLength(2);
    const reads = store.table.stats.reads;
    const both = await store.events.ofDossierWithNotices('P-1');
    expect(store.table.stats.reads - reads).toBe(1);
    expect(both).toEqual({ events, notices });
  });

  it('gives empty lists for a dossier it has never seen', async () => {
    expect(await store.events.ofDossierWithNotices('P-NONE')).toEqual({ events: [], notices: [] });
  });

  it('refuses a notice item that does not parse by its record schema, naming the item', async () => {
    await store.events.put(
      { dossierId: 'P-2' },
      { eventId: 'P-2-e', type: 'step.completed', at: Date.parse(AT), body: '{}' },
    );
    await store.table.doc.send(
      new PutCommand({
        TableName: store.table.tableName,
        Item: { ...key.notice('P-2', 'broken'), ...notice('P-2', 'broken'), kind: 'no.such.kind' },
      }),
    );
    const refused = await store.events.ofDossierWithNotices('P-2').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StoredDataError);
    expect((refused as Error).message).toMatch(/^stored item DOSSIER#P-2 NOTICE#broken does not parse/);
  });
});
