import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { isTransientError } from '../app/errors.ts';
import type { DeliveryResult, Notifier, OutgoingMessage, TopicMessage } from '../app/ports.ts';

/**
 * SMS through SNS: Publish to the phone number as Transactional with the registered sender ID (Vietnam
 * requires one). The `topic` channel publishes to the escalation topic with message attributes (unitId,
 * level, kind), for e-mail or webhook subscribers with filter policies; that copy carries ids and the
 * text, never a phone number. Which notice goes where is the policy's (channels per kind).
 *
 * Throttling and server faults are retried here with exponential backoff and jitter; when they persist
 * the error is thrown so that the workflow retries the Notify state (and the sweeper after it). Any
 * other error is the provider's final word: the notice is recorded as failed with its reason.
 */

export interface SnsNotifierOptions {
  senderId?: string;
  escalationTopicArn?: string;
  /** Attempts per publish (first try included). @default 4 */
  maxAttempts?: number;
  /** First backoff in ms, doubled each time, with full jitter. @default 200 */
  baseDelayMs?: number;
  /** How to wait (tests pass a fake). @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

export class SnsNotifier implements Notifier {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: SNSClient,
    private readonly options: SnsNotifierOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async deliver(message: OutgoingMessage): Promise<DeliveryResult> {
    return this.send(
      new PublishCommand({
        PhoneNumber: message.phone,
        Message: message.text,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          ...(this.options.senderId
            ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.options.senderId } }
            : {}),
        },
      }),
    );
  }

  /** The escalation topic's copy: ids and the text (never a phone number), with filter attributes. */
  async publish(message: TopicMessage): Promise<DeliveryResult> {
    if (!this.options.escalationTopicArn)
      return { status: 'undeliverable', reason: 'no escalation topic is configured' };
    return this.send(
      new PublishCommand({
        TopicArn: this.options.escalationTopicArn,
        Subject: `dunghan ${message.kind}${message.rung ? ` ${message.rung}` : ''}`,
        Message: JSON.stringify({
          noticeId: message.noticeId,
          dossierId: message.dossierId,
          kind: message.kind,
          level: message.rung,
          unitId: message.unitId,
          at: message.at,
          text: message.text,
        }),
        MessageAttributes: {
          unitId: { DataType: 'String', StringValue: message.unitId },
          kind: { DataType: 'String', StringValue: message.kind },
          level: { DataType: 'Number', StringValue: String(message.rung ?? 0) },
        },
      }),
    );
  }

  private async send(command: PublishCommand): Promise<DeliveryResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.client.send(command);
        return { status: 'sent', ...(r.MessageId ? { messageId: r.MessageId } : {}) };
      } catch (err) {
        if (!isTransientError(err)) {
          const e = err as { name?: string; message?: string };
          return { status: 'failed', reason: `${e.name ?? 'Error'}: ${e.message ?? ''}`.trim() };
        }
        if (attempt >= this.maxAttempts) throw err;
        await this.sleep(Math.random() * this.baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }
}
