import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { DynamoStore } from '../../functions/adapters/dynamodb/store.ts';
import type { NoticeRecord } from '../../functions/schemas/records.ts';

/** Every item of the store's table as JSON, sorted by key: a picture to compare before and after. */
export async function scanTable(store: DynamoStore): Promise<string[]> {
  const items: Record<string, unknown>[] = [];
  let start: ScanCommandOutput['LastEvaluatedKey'];
  do {
    const page = await store.table.doc.send(
      new ScanCommand({ TableName: store.table.tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  const sortKey = (item: Record<string, unknown>) => `${String(item.pk)}\u0000${String(item.sk)}`;
  return items.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1)).map((item) => JSON.stringify(canonical(item)));
}

/** Keys in order at every level, so that equal items print equal. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Set) return [...value].map(canonical).sort();
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}

/** A pending step warning of a dossier, as a checkpoint writes one, dated `at` (ISO at +07:00). */
export function pendingNotice(dossierId: string, noticeId: string, at: string, version = 0): NoticeRecord {
  return {
    noticeId,
    dossierId,
    kind: 'step.warning',
    rung: null,
    stepId: 'a',
    unitId: 'xa',
    subjectUnitId: 'xa',
    audience: 'unit',
    dueAt: at,
    sendAfter: at,
    version,
    createdAt: at,
    status: 'pending',
  };
}
