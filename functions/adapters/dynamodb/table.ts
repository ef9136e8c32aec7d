/**
 * The one DynamoDB table: keys and indexes defined once, used by the CDK table and the local table.
 * Entities share generic pk/sk; indexes are named after their access pattern.
 */

export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
}

export const TABLE_KEYS = {
  partitionKey: { name: 'pk', type: 'S' } as KeyAttribute,
  sortKey: { name: 'sk', type: 'S' } as KeyAttribute,
  indexes: [
    // Open dossiers by next checkpoint: the sweeper's "what is due by now".
    { indexName: 'byCheckpoint', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
    // Notices by status: what is still to send (pending, and claimed by a sender: both unsettled).
    {
      indexName: 'byNoticeStatus',
      partitionKey: { name: 'gsi3pk', type: 'S' },
      sortKey: { name: 'gsi3sk', type: 'S' },
    },
    // Executions under watch, by the instant they must have called again: the sweeper's dead executions.
    // Sparse: only the META of a dossier whose execution has not finalized carries gsi4pk.
    { indexName: 'byWatch', partitionKey: { name: 'gsi4pk', type: 'S' }, sortKey: { name: 'gsi4sk', type: 'S' } },
    // Every unit, by id: the national portal's feed finds units by name among them.
    { indexName: 'allUnits', partitionKey: { name: 'gsi5pk', type: 'S' }, sortKey: { name: 'gsi5sk', type: 'S' } },
    // Open dossiers of a unit by due instant: a unit's overdue, coming-due and open lists. Sparse: only the META of an
    // open dossier with a holder carries gsi6pk (HOLDER#<unitId>); gsi6sk is `<dueAt or 9999>#<dossierId>`.
    { indexName: 'byHolderDue', partitionKey: { name: 'gsi6pk', type: 'S' }, sortKey: { name: 'gsi6sk', type: 'S' } },
    // Dossiers by receipt, for the reports over a period: RECEIVED#<YYYY-MM>, `<receivedAt>#<dossierId>`.
    { indexName: 'byReceipt', partitionKey: { name: 'gsi7pk', type: 'S' }, sortKey: { name: 'gsi7sk', type: 'S' } },
  ] as IndexDefinition[],
} as const;

export const key = {
  dossier: (dossierId: string) => ({ pk: `DOSSIER#${dossierId}`, sk: 'META' }),
  dossierEvent: (dossierId: string, eventId: string) => ({ pk: `DOSSIER#${dossierId}`, sk: `EVENT#${eventId}` }),
  notice: (dossierId: string, noticeId: string) => ({ pk: `DOSSIER#${dossierId}`, sk: `NOTICE#${noticeId}` }),
  unit: (unitId: string) => ({ pk: `UNIT#${unitId}`, sk: 'META' }),
  unitEvent: (unitId: string, eventId: string) => ({ pk: `UNIT#${unitId}`, sk: `EVENT#${eventId}` }),
  /** What the national portal's feed last saw of a dossier, in the dossier's partition. */
  feed: (dossierId: string) => ({ pk: `DOSSIER#${dossierId}`, sk: 'FEED' }),
  /** The SMS a head of unit received on one day (the daily cap): a set of notice ids. */
  smsCap: (unitId: string, day: string) => ({ pk: `UNIT#${unitId}`, sk: `SMS#${day}` }),
  /** A day's morning digest run, once complete (the sweeper runs it again when it is missing). */
  digestRun: (day: string) => ({ pk: `DIGEST#${day}`, sk: 'RUN' }),
  /** The notice an SMS provider's message id belongs to (delivery status). */
  message: (messageId: string) => ({ pk: `MESSAGE#${messageId}`, sk: 'META' }),
  // An eventId names one event in the whole store: its claim, written before the event in its partition.
  eventClaim: (eventId: string) => ({ pk: `EVENTID#${eventId}`, sk: 'CLAIM' }),
};

/** The index keys of the lists (byHolderDue, byReceipt): written by the adapters, queried by them. */
export const listingKey = {
  holder: (unitId: string) => `HOLDER#${unitId}`,
  holderDue: (dueAt: string | null, dossierId: string) => `${dueAt ?? '9999'}#${dossierId}`,
  /** ISO instants at +07:00: the first 7 characters are the month in Vietnam. */
  receivedMonth: (receivedAt: string) => `RECEIVED#${receivedAt.slice(0, 7)}`,
  received: (receivedAt: string, dossierId: string) => `${receivedAt}#${dossierId}`,
};

/** CreateTable input for the local table (dynalite); the CDK table reads TABLE_KEYS the same way. */
export function createTableInput(tableName: string) {
  const attributes = new Map<string, KeyAttribute>();
  for (const k of [
    TABLE_KEYS.partitionKey,
    TABLE_KEYS.sortKey,
    ...TABLE_KEYS.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]) {
    attributes.set(k.name, k);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes.values()].map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey.name, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sortKey.name, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: TABLE_KEYS.indexes.map((i) => ({
      IndexName: i.indexName,
      KeySchema: [
        { AttributeName: i.partitionKey.name, KeyType: 'HASH' as const },
        { AttributeName: i.sortKey.name, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
