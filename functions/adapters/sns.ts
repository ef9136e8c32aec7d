import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { DeliveryResult, Notifier, OutgoingMessage } from './notifier.ts';

/** SMS through SNS: Publish to a phone number, Transactional, with the registered sender ID. */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly client: SNSClient,
    private readonly senderId: string | undefined,
  ) {}

  async deliver(message: OutgoingMessage): Promise<DeliveryResult> {
    try {
      await this.client.send(
        new PublishCommand({
          PhoneNumber: message.phone,
          Message: message.text,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            ...(this.senderId ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.senderId } } : {}),
          },
        }),
      );
      return { status: 'sent' };
    } catch (err) {
      const name = (err as { name?: string }).name ?? 'Error';
      // Throttling and server faults are worth another try; the rest is the provider's final word.
      if (name === 'ThrottledException' || name === 'ThrottlingException' || name === 'InternalErrorException') throw err;
      return { status: 'failed', reason: `${name}: ${(err as Error).message}` };
    }
  }
}
