import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
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

type Channel = 'sms' | 'topic';

/**
 * The local SMS gateway and escalation topic: nothing leaves the machine. Messages are kept in memory,
 * appended to an NDJSON file when one is given, and printed when asked; phone numbers are masked in
 * all three.
 *
 * Each notice goes out once by each channel, as through a gateway that takes an idempotency key: a
 * process killed between a send and the write that settles it sends again after its restart, and the
 * outbox answers that second send as done without appending it (the file, appended since an earlier
 * run, is read at start for what it holds). The file is appended line by line, synchronously: a stop
 * or a crash loses no line of a message that went out.
 */
export class Outbox implements Notifier {
  readonly messages: (Omit<OutgoingMessage, 'phone'> & { channel: Channel; to: string | null })[] = [];
  /** `<channel> <noticeId>` of what went out, in this run or in the file from an earlier one. */
  private readonly done = new Set<string>();
  /** Sends of a notice already sent by that channel, answered without sending. */
  repeats = 0;
  private sent = 0;
  /** Called after each SMS (the stack schedules its simulated delivery status). */
  onDeliver: () => void = () => {};

  constructor(private readonly options: OutboxOptions = {}) {
    const file = options.file;
    if (!file || !existsSync(file)) return;
    const text = readFileSync(file, 'utf8');
    for (const line of text.split('\n')) {
      try {
        const m = JSON.parse(line) as { channel?: unknown; noticeId?: unknown };
        if (typeof m.noticeId === 'string') this.done.add(`${m.channel ?? 'sms'} ${m.noticeId}`);
      } catch {
        // An empty line, or the end of a line a crash cut: that message did not go out.
      }
    }
    // A line cut by a crash is ended, so that the next message starts a line of its own.
    if (text.length > 0 && !text.endsWith('\n')) appendFileSync(file, '\n');
  }

  async deliver(message: OutgoingMessage): Promise<DeliveryResult> {
    if (this.again('sms', message.noticeId)) return { status: 'sent' };
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
    if (this.again('topic', message.noticeId)) return { status: 'sent' };
    this.keep({ ...message, channel: 'topic', to: null });
    return { status: 'sent' };
  }

  /** True when this notice went out by this channel already (then counted); otherwise it is noted as gone. */
  private again(channel: Channel, noticeId: string): boolean {
    const k = `${channel} ${noticeId}`;
    if (this.done.has(k)) {
      this.repeats++;
      return true;
    }
    this.done.add(k);
    return false;
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
