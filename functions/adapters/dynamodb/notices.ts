import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { NoticeStore } from '../../app/ports.ts';
import {
  type NoticeDelivery,
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
    const { at, digest, ...rest } = result;
    const fields: Record<string, unknown> = { ...rest, sentAt: at, gsi3pk: `NOTICE#${result.status}` };
    // A folded notice is found by the digest it went into: byNoticeStatus, 'folded', sorted by day and unit.
    if (digest) Object.assign(fields, { digestId: digest.id, gsi3sk: `${digest.day}#${digest.unitId}#${noticeId}` });
    if (result.messageId) {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...key.message(result.messageId), dossierId, noticeId },
        }),
      );
    }
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

  /** The notices folded into the digests of `day` (YYYY-MM-DD), by unit. */
  async foldedInto(day: string): Promise<NoticeRecord[]> {
    const items = await this.table.queryAll({
      IndexName: 'byNoticeStatus',
      KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :day)',
      ExpressionAttributeValues: { ':pk': 'NOTICE#folded', ':day': `${day}#` },
    });
    return items.map(toNotice);
  }

  /**
   * Adds a member to a batch (written first if new) while the batch is still pending: 'closed' once a
   * sender has claimed it. Adding the same member twice is harmless (a string set).
   */
  async join(batch: NoticeRecord, member: string): Promise<'joined' | 'closed'> {
    await this.put(batch);
    const joined = await this.table.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.notice(batch.dossierId, batch.noticeId),
        UpdateExpression: 'ADD members :m',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':m': new Set([member]), ':pending': 'pending' },
      }),
    );
    return joined ? 'joined' : 'closed';
  }

  /** Records that the morning digest of `day` ran to its end. */
  async markDigestRun(day: string, at: string): Promise<void> {
    await this.table.doc.send(
      new PutCommand({ TableName: this.table.tableName, Item: { ...key.digestRun(day), day, at } }),
    );
  }

  async digestRan(day: string): Promise<boolean> {
    const r = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: key.digestRun(day) }));
    return r.Item !== undefined;
  }

  /** The notice an SMS provider's message id belongs to. */
  async byMessage(messageId: string): Promise<{ dossierId: string; noticeId: string } | null> {
    const r = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: key.message(messageId) }),
    );
    return r.Item ? parseItem(MessageSchema, r.Item) : null;
  }

  /** Records the delivery status the provider logged (the latest wins; it changes nothing else). */
  async recordDelivery(dossierId: string, noticeId: string, delivery: NoticeDelivery): Promise<boolean> {
    return this.table.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.notice(dossierId, noticeId),
        UpdateExpression: 'SET delivery = :d',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':d': delivery },
      }),
    );
  }

  /**
   * Takes one of a head's SMS of `day` for `noticeId`: false when `cap` are already taken by other
   * notices (the same notice taking it again is idempotent). `cap` null takes it whatever the count.
   */
  async takeSmsSlot(unitId: string, day: string, noticeId: string, cap: number | null): Promise<boolean> {
    return this.table.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.smsCap(unitId, day),
        UpdateExpression: 'ADD ids :id',
        ...(cap === null
          ? {}
          : { ConditionExpression: 'attribute_not_exists(ids) OR size(ids) < :cap OR contains(ids, :one)' }),
        ExpressionAttributeValues: {
          ':id': new Set([noticeId]),
          ...(cap === null ? {} : { ':cap': cap, ':one': noticeId }),
        },
      }),
    );
  }

  /**
   * The notices of a period that reached their recipient (index byNoticeStatus): sent or batched, by the instant their
   * sending became allowed in [fromIso, toIso); folded into a digest, by the digest's day in the period.
   */
  async reachedBetween(fromIso: string, toIso: string): Promise<NoticeRecord[]> {
    const query = (status: string, from: string, to: string) =>
      this.table.queryAll({
        IndexName: 'byNoticeStatus',
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': `NOTICE#${status}`, ':from': from, ':to': to },
      });
    // A folded notice's sort key starts with its digest's day: `<YYYY-MM-DD>#<unitId>#<noticeId>`.
    const day = (iso: string) => `${iso.slice(0, 10)}#`;
    const pages = await Promise.all([
      query('sent', fromIso, toIso),
      query('batched', fromIso, toIso),
      query('folded', day(fromIso), day(toIso)),
    ]);
    return pages.flat().map(toNotice);
  }

  /** Records a head's acknowledgement on an escalation, once: false when it is not one or is acknowledged already. */
  async acknowledge(dossierId: string, noticeId: string, ack: NonNullable<NoticeRecord['acknowledgement']>) {
    return this.table.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: key.notice(dossierId, noticeId),
        UpdateExpression: 'SET acknowledgement = :ack',
        ConditionExpression: 'attribute_exists(pk) AND kind = :kind AND attribute_not_exists(acknowledgement)',
        ExpressionAttributeValues: { ':ack': ack, ':kind': 'head.escalation' },
      }),
    );
  }
}

const MessageSchema = z.object({ dossierId: z.string().min(1), noticeId: z.string().min(1) });

function statusIndex(n: NoticeRecord) {
  return { gsi3pk: `NOTICE#${n.status}`, gsi3sk: `${n.sendAfter}#${n.noticeId}` };
}

function toNotice(item: Item): NoticeRecord {
  return parseItem(NoticeRecordSchema, item);
}
