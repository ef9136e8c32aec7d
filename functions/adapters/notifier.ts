/** Sends a notice's text to a phone number (SNS on AWS, the outbox locally). */
export interface OutgoingMessage {
  noticeId: string;
  dossierId: string;
  kind: string;
  audience: 'unit' | 'head' | 'citizen';
  /** The unit whose head receives it, or on whose behalf a citizen notice is sent. */
  unitId: string;
  rung: number | null;
  /** E.164. */
  phone: string;
  text: string;
  at: string;
}

export interface DeliveryResult {
  status: 'sent' | 'failed' | 'undeliverable';
  reason?: string;
}

export interface Notifier {
  deliver(message: OutgoingMessage): Promise<DeliveryResult>;
}
