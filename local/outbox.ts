import { appendFileSync } from 'node:fs';
import type { DeliveryResult, Notifier, OutgoingMessage } from '../functions/app/ports.ts';
import { maskPhone } from '../functions/core/phone.ts';

/**
 * The local SMS gateway: nothing leaves the machine. Messages are kept in memory, appended to an
 * NDJSON file when one is given, and printed when asked; phone numbers are masked in all three.
 */
export class Outbox implements Notifier {
  readonly messages: (Omit<OutgoingMessage, 'phone'> & { to: string })[] = [];

  constructor(private readonly options: { file?: string; print?: boolean } = {}) {}

  async deliver(message: OutgoingMessage): Promise<DeliveryResult> {
    const { phone, ...rest } = message;
    const record = { ...rest, to: maskPhone(phone) };
    this.messages.push(record);
    if (this.options.file) appendFileSync(this.options.file, `${JSON.stringify(record)}\n`);
    if (this.options.print)
      console.log(`[outbox] ${record.at} ${record.kind} -> ${record.to} (${record.unitId}): ${record.text}`);
    return { status: 'sent' };
  }
}
