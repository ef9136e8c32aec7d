import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { key } from './table.ts';

/**
 * The DynamoDB repository: every read and write of dunghan's one table. Single-item conditional writes
 * only (no TransactWriteItems): events are idempotent by id, dossier snapshots are versioned by the
 * number of events folded, task tokens are registered only while their step is open, notices are
 * written once.
 */

export interface StoredEvent {
  eventId: string;
  type: string;
  /** Epoch ms of the event's `at`. */
  at: number;
  /** The validated event as JSON (for dossier.received, with its resolved path). */
  body: string;
}

export type PutEventResult = 'created' | 'duplicate' | 'conflict';

export interface Unit {
  unitId: string;
  name: string;
  parentUnitId: string | null;
  head: { name: string; phone: string };
  /** `at` of the unit.upserted event that wrote this version. */
  updatedAt: number;
}

export interface DossierSnapshot {
  dossierId: string;
  /** Number of distinct events folded: a fold of more events is newer. */
  version: number;
  status: string;
  open: boolean;
  dueAt: string | null;
  holderUnitId: string | null;
  closedSteps: string[];
}

export interface DossierMeta extends DossierSnapshot {
  tokens: Record<string, string>;
  /** The dossier's execution attempt (1 = the execution named by the dossier id; see executionName). */
  attempt: number;
  /** While the execution is watched: the instant by which a live execution calls again (ISO). */
  watchAt?: string;
  /** Per step, the instant by which its current wait calls again (ISO). */
  waits: Record<string, string>;
  outcome?: { outcome: string | null; minutesLate: number | null; responsibleUnitId: string | null; finalizedAt: string };
}

/** 'sending': claimed by one sender (claimId) between its claim and its settle. */
export type NoticeStatus = 'pending' | 'sending' | 'sent' | 'undeliverable' | 'failed' | 'cancelled';

export interface NoticeRecord {
  noticeId: string;
  /** The dossier, or `DIGEST-<date>` for a daily digest. */
  dossierId: string;
  kind: string;
  rung: number | null;
  stepId: string | null;
  unitId: string;
  subjectUnitId: string;
  audience: 'unit' | 'head' | 'citizen';
  /** When the policy made it due, and the first instant it may be sent (ISO at +07:00). */
  dueAt: string;
  sendAfter: string;
  version: number;
  createdAt: string;
  status: NoticeStatus;
  sentAt?: string;
  to?: string;
  text?: string;
  parts?: number;
  encoding?: string;
  reason?: string;
  claimId?: string;
  claimedAt?: string;
}

export interface StoreStats {
  reads: number;
  writes: number;
  /** Calls under way now (the local simulated clock advances only when none is). */
  inFlight: number;
}

// Command names as the inner DynamoDB client sees them.
const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);

export class Store {
  readonly stats: StoreStats = { reads: 0, writes: 0, inFlight: 0 };
  private readonly doc: DynamoDBDocumentClient;

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

  /** The underlying client, for table administration (local runtime). */
  get client(): DynamoDBDocumentClient {
    return this.doc;
  }

  /** Writes an event once. Same id and same body: a duplicate; same id, other body: a conflict. */
  async putEvent(partition: { dossierId: string } | { unitId: string }, event: StoredEvent): Promise<PutEventResult> {
    const k = 'dossierId' in partition ? key.dossierEvent(partition.dossierId, event.eventId) : key.unitEvent(partition.unitId, event.eventId);
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: { ...k, ...event }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return 'created';
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const existing = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: k }));
      return existing.Item?.body === event.body ? 'duplicate' : 'conflict';
    }
  }

  async dossierEvents(dossierId: string): Promise<StoredEvent[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': key.dossier(dossierId).pk, ':sk': 'EVENT#' },
    });
    return items.map((i) => ({ eventId: i.eventId as string, type: i.type as string, at: i.at as number, body: i.body as string }));
  }

  async getDossier(dossierId: string): Promise<DossierMeta | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key.dossier(dossierId) }));
    return r.Item ? toMeta(r.Item) : null;
  }

  /**
   * Writes a dossier snapshot unless a newer one (a fold of more events) is already there. Returns the
   * registered task tokens either way: the caller calls back the tokens of steps it closed.
   */
  async saveDossier(s: DossierSnapshot): Promise<{ saved: boolean; tokens: Record<string, string>; attempt: number }> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key.dossier(s.dossierId),
          UpdateExpression:
            'SET dossierId = :id, version = :v, #status = :status, dueAt = :due, holderUnitId = :holder, closedSteps = :closed, ' +
            'gsi1pk = :g1pk, gsi1sk = :g1sk, gsi2pk = :g2pk, gsi2sk = :g2sk, tokens = if_not_exists(tokens, :noTokens), waits = if_not_exists(waits, :noTokens)',
          ConditionExpression: 'attribute_not_exists(version) OR version < :v',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':id': s.dossierId,
            ':v': s.version,
            ':status': s.status,
            ':due': s.dueAt,
            ':holder': s.holderUnitId,
            // A list, not a string set: a set cannot be empty. Conditions use contains() on it.
            ':closed': s.closedSteps,
            ':g1pk': s.open ? 'OPEN' : 'CLOSED',
            ':g1sk': `${s.dueAt ?? '9999'}#${s.dossierId}`,
            ':g2pk': `UNIT#${s.holderUnitId ?? '-'}#${s.status}`,
            ':g2sk': `${s.dueAt ?? '9999'}#${s.dossierId}`,
            ':noTokens': {},
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { saved: true, tokens: (r.Attributes?.tokens as Record<string, string> | undefined) ?? {}, attempt: (r.Attributes?.attempt as number | undefined) ?? 1 };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const meta = await this.getDossier(s.dossierId);
      return { saved: false, tokens: meta?.tokens ?? {}, attempt: meta?.attempt ?? 1 };
    }
  }

  /**
   * Registers the task token of a step's wait, only while the step is open: a completion written
   * before the registration makes it fail, and the caller then completes the wait itself.
   */
  async registerToken(dossierId: string, stepId: string, token: string, watch?: { at: string; now: string }): Promise<boolean> {
    try {
      return await this.registerTokenOnce(dossierId, stepId, token, watch);
    } catch (err) {
      // A dossier saved before waits were kept has no map to set a step in: add it, then register.
      if ((err as { name?: string }).name !== 'ValidationException' || !watch) throw err;
      await this.doc.send(
        new UpdateCommand({ TableName: this.tableName, Key: key.dossier(dossierId), UpdateExpression: 'SET waits = if_not_exists(waits, :none)', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':none': {} } }),
      );
      return this.registerTokenOnce(dossierId, stepId, token, watch);
    }
  }

  private async registerTokenOnce(dossierId: string, stepId: string, token: string, watch?: { at: string; now: string }): Promise<boolean> {
    const watchAt = watch?.at;
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key.dossier(dossierId),
          // The registration is also the execution's heartbeat: this wait calls again by watchAt.
          UpdateExpression: `SET tokens.#step = :token${watchAt ? ', waits.#step = :watch, watchAt = :watch, gsi4sk = :g4sk' : ''}`,
          ConditionExpression: 'attribute_exists(tokens) AND NOT contains(closedSteps, :step)',
          ExpressionAttributeNames: { '#step': stepId },
          ExpressionAttributeValues: {
            ':token': token,
            ':step': stepId,
            ...(watchAt ? { ':watch': watchAt, ':g4sk': `${watchAt}#${dossierId}` } : {}),
          },
          ReturnValues: watchAt ? 'ALL_NEW' : 'NONE',
        }),
      );
      if (watchAt && r.Attributes) {
        // The wait of each open step is kept (waits); the watch is the earliest still ahead, so that a
        // parallel step's later wait never hides an earlier one.
        const earliest = nextWait(toMeta(r.Attributes), watch!.now);
        if (earliest !== null && earliest < watchAt) await this.expectCallBy(dossierId, earliest);
      }
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  async recordOutcome(dossierId: string, outcome: NonNullable<DossierMeta['outcome']>): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key.dossier(dossierId),
        // The execution ended its work: the dossier leaves the watch (index byWatch).
        UpdateExpression: 'SET outcome = :o REMOVE gsi4pk, gsi4sk, watchAt',
        ExpressionAttributeValues: { ':o': outcome },
      }),
    );
  }

  /** Writes a unit unless a version from a later event is already there (out-of-order upserts). */
  async upsertUnit(unit: Unit): Promise<boolean> {
    return this.conditionally(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key.unit(unit.unitId), ...unit },
        ConditionExpression: 'attribute_not_exists(updatedAt) OR updatedAt <= :at',
        ExpressionAttributeValues: { ':at': unit.updatedAt },
      }),
    );
  }

  async getUnit(unitId: string): Promise<Unit | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key.unit(unitId) }));
    if (!r.Item) return null;
    const { unitId: id, name, parentUnitId, head, updatedAt } = r.Item;
    return { unitId: id, name, parentUnitId: parentUnitId ?? null, head, updatedAt };
  }

  /** Writes a notice once (its id is deterministic): false when it already exists. */
  async putNotice(notice: NoticeRecord): Promise<boolean> {
    return this.conditionally(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key.notice(notice.dossierId, notice.noticeId), ...notice, ...noticeIndex(notice) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getNotice(dossierId: string, noticeId: string): Promise<NoticeRecord | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key.notice(dossierId, noticeId) }));
    return r.Item ? toNotice(r.Item) : null;
  }

  /**
   * Records a send attempt's result; only a pending notice, or one claimed with `claimId`, changes (a
   * notice is settled once).
   */
  async settleNotice(
    dossierId: string,
    noticeId: string,
    result: { status: Exclude<NoticeStatus, 'pending' | 'sending'>; at: string; to?: string; text?: string; parts?: number; encoding?: string; reason?: string },
    claimId?: string,
  ): Promise<boolean> {
    const { at, ...rest } = result;
    const fields: Record<string, unknown> = { ...rest, sentAt: at, gsi3pk: `NOTICE#${result.status}` };
    const set = Object.entries(fields).filter(([, v]) => v !== undefined);
    return this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
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
  async claimNotice(dossierId: string, noticeId: string, claim: { claimId: string; at: string; staleBefore?: string }): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key.notice(dossierId, noticeId),
        // A claimed notice stays with the pending ones in byNoticeStatus: one look finds every unsettled notice.
        UpdateExpression: 'SET #status = :sending, claimId = :claim, claimedAt = :at',
        ConditionExpression: claim.staleBefore === undefined ? '#status = :pending' : '#status = :pending OR (#status = :sending AND claimedAt < :stale)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':sending': 'sending',
          ':pending': 'pending',
          ':claim': claim.claimId,
          ':at': claim.at,
          ...(claim.staleBefore === undefined ? {} : { ':stale': claim.staleBefore }),
        },
      }),
    );
  }

  /** Gives a claimed notice back (its send failed for a reason worth retrying): sending -> pending. */
  async releaseNotice(dossierId: string, noticeId: string, claimId: string): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key.notice(dossierId, noticeId),
        UpdateExpression: 'SET #status = :pending REMOVE claimId, claimedAt',
        ConditionExpression: '#status = :sending AND claimId = :claim',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending', ':sending': 'sending', ':claim': claimId },
      }),
    );
  }

  /**
   * Puts the dossier's execution under watch (index byWatch) as attempt `attempt`, from `fromAttempt`
   * (null: the first execution, only if none was recorded). Restarting clears the tokens of the dead
   * execution, so that no callback goes to it. False: another writer moved the attempt first.
   */
  async watchExecution(dossierId: string, w: { attempt: number; fromAttempt: number | null; watchAt: string }): Promise<boolean> {
    const values: Record<string, unknown> = { ':attempt': w.attempt, ':watch': w.watchAt, ':g4pk': 'WATCH', ':g4sk': `${w.watchAt}#${dossierId}` };
    let condition = 'attribute_exists(pk) AND attribute_not_exists(attempt)';
    let update = 'SET attempt = :attempt, watchAt = :watch, gsi4pk = :g4pk, gsi4sk = :g4sk';
    if (w.fromAttempt !== null) {
      values[':from'] = w.fromAttempt;
      values[':noTokens'] = {};
      condition = w.fromAttempt === 1 ? 'attribute_not_exists(attempt) OR attempt = :from' : 'attempt = :from';
      update += ', tokens = :noTokens, waits = :noTokens';
    }
    return this.conditionally(
      new UpdateCommand({ TableName: this.tableName, Key: key.dossier(dossierId), UpdateExpression: update, ConditionExpression: condition, ExpressionAttributeValues: values }),
    );
  }

  /** Moves the watch of a live execution (attempt unchanged) to a later instant. */
  async extendWatch(dossierId: string, attempt: number, watchAt: string): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key.dossier(dossierId),
        UpdateExpression: 'SET watchAt = :watch, gsi4sk = :g4sk',
        ConditionExpression: attempt === 1 ? '(attribute_not_exists(attempt) OR attempt = :a) AND attribute_exists(gsi4pk)' : 'attempt = :a AND attribute_exists(gsi4pk)',
        ExpressionAttributeValues: { ':a': attempt, ':watch': watchAt, ':g4sk': `${watchAt}#${dossierId}` },
      }),
    );
  }

  /** Brings the watch of a dossier's execution forward to `watchAt` (never later; only while watched). */
  async expectCallBy(dossierId: string, watchAt: string): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key.dossier(dossierId),
        UpdateExpression: 'SET watchAt = :watch, gsi4sk = :g4sk',
        ConditionExpression: 'attribute_exists(gsi4pk) AND watchAt > :watch',
        ExpressionAttributeValues: { ':watch': watchAt, ':g4sk': `${watchAt}#${dossierId}` },
      }),
    );
  }

  /** Dossiers whose execution should have called before `beforeIso` (index byWatch). */
  async watchedBefore(beforeIso: string): Promise<DossierMeta[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: 'byWatch',
      KeyConditionExpression: 'gsi4pk = :w AND gsi4sk < :before',
      ExpressionAttributeValues: { ':w': 'WATCH', ':before': beforeIso },
    });
    return items.map(toMeta);
  }

  /** Open dossiers whose current due instant is in [fromIso, beforeIso) (index byCheckpoint). */
  async openOverdueSince(fromIso: string, beforeIso: string): Promise<DossierMeta[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: 'byCheckpoint',
      KeyConditionExpression: 'gsi1pk = :open AND gsi1sk BETWEEN :from AND :before',
      ExpressionAttributeValues: { ':open': 'OPEN', ':from': fromIso, ':before': beforeIso },
    });
    return items.map(toMeta);
  }

  /** The notices of one dossier (or of one digest day). */
  async dossierNotices(dossierId: string): Promise<NoticeRecord[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': key.dossier(dossierId).pk, ':sk': 'NOTICE#' },
    });
    return items.map(toNotice);
  }

  /** Open dossiers whose current due instant is before `beforeIso` (index byCheckpoint). */
  async openOverdue(beforeIso: string): Promise<DossierMeta[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: 'byCheckpoint',
      KeyConditionExpression: 'gsi1pk = :open AND gsi1sk < :before',
      ExpressionAttributeValues: { ':open': 'OPEN', ':before': beforeIso },
    });
    return items.map(toMeta);
  }

  /**
   * Notices in a status, oldest due first (index byNoticeStatus; 'pending' includes the claimed ones,
   * status 'sending': both are unsettled); with `sendAfterBefore`, only those that may be sent before it.
   */
  async noticesByStatus(status: Exclude<NoticeStatus, 'sending'>, sendAfterBefore?: string): Promise<NoticeRecord[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: 'byNoticeStatus',
      KeyConditionExpression: sendAfterBefore === undefined ? 'gsi3pk = :pk' : 'gsi3pk = :pk AND gsi3sk < :before',
      ExpressionAttributeValues: { ':pk': `NOTICE#${status}`, ...(sendAfterBefore === undefined ? {} : { ':before': sendAfterBefore }) },
    });
    return items.map(toNotice);
  }

  private queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    return this.allPages((start) => this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start })));
  }

  /** Sends a conditional write: false when its condition does not hold (another writer was first). */
  private async conditionally(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      // The union does not select an overload of send().
      await (command instanceof PutCommand ? this.doc.send(command) : this.doc.send(command));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  private async allPages(
    page: (start: Record<string, unknown> | undefined) => Promise<{ Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> }>,
  ): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await page(start);
      out.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

function noticeIndex(n: NoticeRecord) {
  return { gsi3pk: `NOTICE#${n.status}`, gsi3sk: `${n.sendAfter}#${n.noticeId}` };
}

function toMeta(item: Record<string, unknown>): DossierMeta {
  return {
    dossierId: item.dossierId as string,
    version: (item.version as number | undefined) ?? 0,
    status: item.status as string,
    open: item.gsi1pk === 'OPEN',
    dueAt: (item.dueAt as string | null | undefined) ?? null,
    holderUnitId: (item.holderUnitId as string | null | undefined) ?? null,
    closedSteps: (item.closedSteps as string[] | undefined) ?? [],
    tokens: (item.tokens as Record<string, string> | undefined) ?? {},
    attempt: (item.attempt as number | undefined) ?? 1,
    waits: (item.waits as Record<string, string> | undefined) ?? {},
    ...(item.watchAt ? { watchAt: item.watchAt as string } : {}),
    ...(item.outcome ? { outcome: item.outcome as NonNullable<DossierMeta['outcome']> } : {}),
  };
}

function toNotice(item: Record<string, unknown>): NoticeRecord {
  const { pk: _pk, sk: _sk, gsi3pk: _g, gsi3sk: _s, ...rest } = item;
  return rest as unknown as NoticeRecord;
}

/** The earliest wait, at or after `fromIso`, of the dossier's open steps (null: none). */
export function nextWait(meta: Pick<DossierMeta, 'waits' | 'closedSteps'>, fromIso: string): string | null {
  let earliest: string | null = null;
  for (const [stepId, until] of Object.entries(meta.waits)) {
    if (meta.closedSteps.includes(stepId) || until < fromIso) continue;
    if (earliest === null || until < earliest) earliest = until;
  }
  return earliest;
}

export function isConditionFailed(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}
