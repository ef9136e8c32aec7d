import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { DeliveryResult, Notifier, OutgoingMessage, TopicMessage } from '../functions/app/ports.ts';
import { maskPhone } from '../functions/core/phone.ts';

/** What the local SMS provider reports about one message, as SNS's delivery status log line would. */
export interface SimulatedStatus {
  messageId: string;
  /** E.164, as SNS logs it (the delivery function never keeps or logs it). */
  phone: string;
  status: 'SUCCESS' | 'FAILURE';
  providerResponse: string;
  at: number;
  parts: number;
}

export interface OutboxOptions {
  file?: string;
  print?: boolean;
  /**
   * Simulated delivery statuses: called for every SMS, as SNS delivery status logging would, with a
   * FAILURE for this share of messages (chosen by a hash of the notice id: the same run gives the same
   * failures). Off when not given.
   */
  statuses?: { failureShare: number; report: (status: SimulatedStatus) => void };
}

/**
 * The local SMS gateway and escalation topic: nothing leaves the machine. Messages are kept in memory,
 * appended to an NDJSON file when one is given, and printed when asked; phone numbers are masked in
 * all three.
 */
export class Outbox implements Notifier {
  readonly messages: (Omit<OutgoingMessage, 'phone'> & { channel: 'sms' | 'topic'; to: string | null })[] = [];
  private sent = 0;
  /** Called after each SMS (the stack schedules its simulated delivery status). */
  onDeliver: () => void = () => {};

  constructor(private readonly options: OutboxOptions = {}) {}

  async deliver(message: OutgoingMessage): Promise<DeliveryResult> {
    const { phone, ...rest } = message;
    const messageId = `local-${++this.sent}`;
    this.keep({ ...rest, channel: 'sms', to: maskPhone(phone) });
    const statuses = this.options.statuses;
    if (statuses) {
      const fails = shareOf(message.noticeId) < statuses.failureShare;
      statuses.report({
        messageId,
        phone,
        status: fails ? 'FAILURE' : 'SUCCESS',
        providerResponse: fails
          ? 'Phone carrier has blocked this message'
          : 'Message has been accepted by phone carrier',
        at: Date.now(),
        parts: 1,
      });
      this.onDeliver();
    }
    return { status: 'sent', messageId };
  }

  async publish(message: TopicMessage): Promise<DeliveryResult> {
    this.keep({ ...message, channel: 'topic', to: null });
    return { status: 'sent' };
  }

  private keep(record: Outbox['messages'][number]): void {
    this.messages.push(record);
    if (this.options.file) appendFileSync(this.options.file, `${JSON.stringify(record)}\n`);
    if (this.options.print)
      console.log(
        `[outbox] ${record.at} ${record.channel} ${record.kind} -> ${record.to ?? 'topic'} (${record.unitId}): ${record.text}`,
      );
  }
}

/** A number in [0, 1) from a notice id: the same id always gives the same number. */
function shareOf(id: string): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) / 2 ** 32;
}
