import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { NoticeStore } from '../../app/ports.ts';
import {
  type NoticeRecord,
  NoticeRecordSchema,
  type NoticeSettlement,
  type NoticeStatus,
} from '../../schemas/records.ts';
import { type Item, parseItem, type TableClient } from './client.ts';
import { key } from './table.ts';

/**
 * Notices, in their dossier's partition (or a digest day's), indexed by status (byNoticeStatus): the
 * sweeper's "what is still to send". Written once, claimed before sending, settled once.
 */
export class DynamoNoticeStore implements NoticeStore {
  constructor(private readonly table: TableClient) {}

  /** Writes a notice once (its id is deterministic): false when it already exists. */
  async put(notice: NoticeRecord): Promise<boolean> {
    return this.table.conditionally(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...key.notice(notice.dossierId, notice.noticeId), ...notice, ...statusIndex(notice) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(dossierId: string, noticeId: string): Promise<NoticeRecord | null> {
    const r = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: key.notice(dossierId, noticeId) }),
    );
    return r.Item ? toNotice(r.Item) : null;
  }

  /** The notices of one dossier (or of one digest day). */
  async ofDossier(dossierId: string): Promise<NoticeRecord[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': key.dossier(dossierId).pk, ':sk': 'NOTICE#' },
    });
    return items.map(toNotice);
  }

  /**
   * Records a send attempt's result; only a pending notice, or one claimed with `claimId`, changes (a
   * notice is settled once).
   */
  async settle(dossierId: string, noticeId: string, result: NoticeSettlement, claimId?: string): Promise<boolean> {
    const { at, ...rest } = result;
    const fields: Record<string, unknown> = { ...rest, sentAt: at, gsi3pk: `NOTICE#${result.status}` };
    const set = Object.entries(fields).filter(([, v]) => v !== undefined);
    return this.table.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.notice(dossierId, noticeId),
        UpdateExpression: `SET ${set.map(([k]) => `#${k} = :${k}`).join(', ')}`,
        ConditionExpression: claimId === undefined ? '#status = :pending' : '#status = :sending AND claimId = :claim',
        ExpressionAttributeNames: Object.fromEntries(set.map(([k]) => [`#${k}`, k])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(set.map(([k, v]) => [`:${k}`, v])),
          ...(claimId === undefined ? { ':pending': 'pending' } : { ':sending': 'sending', ':claim': claimId }),
        },
      }),
    );
  }

  /**
   * Claims a notice for one sender before it sends: pending -> sending, or a claim older than
   * `staleBefore` taken over (its sender died between claim and settle). False: another sender has it.
   */
  async claim(
    dossierId: string,
    noticeId: string,
    claim: { claimId: string; at: string; staleBefore?: string },
  ): Promise<boolean> {
    const stale = claim.staleBefore;
    return this.table.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.notice(dossierId, noticeId),
        // A claimed notice stays with the pending ones in byNoticeStatus: one look finds every unsettled notice.
        UpdateExpression: 'SET #status = :sending, claimId = :claim, claimedAt = :at',
        ConditionExpression:
          stale === undefined
            ? '#status = :pending'
            : '#status = :pending OR (#status = :sending AND claimedAt < :stale)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':sending': 'sending',
          ':pending': 'pending',
          ':claim': claim.claimId,
          ':at': claim.at,
          ...(stale === undefined ? {} : { ':stale': stale }),
        },
      }),
    );
  }

  /** Gives a claimed notice back (its send failed for a reason worth retrying): sending -> pending. */
  async release(dossierId: string, noticeId: string, claimId: string): Promise<boolean> {
    return this.table.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.notice(dossierId, noticeId),
        UpdateExpression: 'SET #status = :pending REMOVE claimId, claimedAt',
        ConditionExpression: '#status = :sending AND claimId = :claim',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending', ':sending': 'sending', ':claim': claimId },
      }),
    );
  }

  /**
   * Notices in a status, oldest due first (index byNoticeStatus; 'pending' includes the claimed ones,
   * status 'sending': both are unsettled); with `sendAfterBefore`, only those that may be sent before it.
   */
  async byStatus(status: Exclude<NoticeStatus, 'sending'>, sendAfterBefore?: string): Promise<NoticeRecord[]> {
    const before = sendAfterBefore === undefined ? {} : { ':before': sendAfterBefore };
    const items = await this.table.queryAll({
      IndexName: 'byNoticeStatus',
      KeyConditionExpression: sendAfterBefore === undefined ? 'gsi3pk = :pk' : 'gsi3pk = :pk AND gsi3sk < :before',
      ExpressionAttributeValues: { ':pk': `NOTICE#${status}`, ...before },
    });
    return items.map(toNotice);
  }
}

function statusIndex(n: NoticeRecord) {
  return { gsi3pk: `NOTICE#${n.status}`, gsi3sk: `${n.sendAfter}#${n.noticeId}` };
}

function toNotice(item: Item): NoticeRecord {
  return parseItem(NoticeRecordSchema, item);
}
