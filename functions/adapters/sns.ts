import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { isTransientError } from '../app/errors.ts';
import type { DeliveryResult, Notifier, OutgoingMessage } from '../app/ports.ts';

/**
 * SMS through SNS: Publish to the phone number as Transactional with the registered sender ID (Vietnam
 * requires one). Escalations and digests are also published to the escalation topic with message
 * attributes (unitId, level, kind), for e-mail or webhook subscribers with filter policies; that copy
 * carries ids and the text, never the citizen's number.
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
    const sms = new PublishCommand({
      PhoneNumber: message.phone,
      Message: message.text,
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        ...(this.options.senderId
          ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.options.senderId } }
          : {}),
      },
    });
    const result = await this.publish(sms);
    if (result.status !== 'sent') return result;
    if (this.options.escalationTopicArn && message.audience === 'head') {
      // The SMS is out: a topic copy that fails must not make the caller send the SMS again.
      const copy = await this.publish(
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
      ).catch(
        (err: unknown): DeliveryResult => ({
          status: 'failed',
          reason: `${(err as Error).name}: ${(err as Error).message}`,
        }),
      );
      if (copy.status !== 'sent')
        return { status: 'sent', reason: `escalation topic copy not published (${copy.reason ?? copy.status})` };
    }
    return result;
  }

  private async publish(command: PublishCommand): Promise<DeliveryResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(command);
        return { status: 'sent' };
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
