import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../functions/adapters/sns.ts';
import type { OutgoingMessage } from '../../functions/app/ports.ts';

const sns = mockClient(SNSClient);
const noSleep = async () => {};
const notifier = (topic = true) =>
  new SnsNotifier(new SNSClient({ region: 'ap-southeast-1' }), {
    senderId: 'DUNGHAN',
    ...(topic ? { escalationTopicArn: 'arn:aws:sns:ap-southeast-1:111122223333:escalations' } : {}),
    sleep: noSleep,
  });
const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  noticeId: 'HS-1/head.escalation/r1/v0',
  dossierId: 'HS-1',
  kind: 'head.escalation',
  audience: 'head',
  unitId: 'so-nnmt',
  rung: 1,
  phone: '+84912345678',
  text: 'Ho so HS-1 da qua han',
  at: '2026-03-10T07:01:00+07:00',
  ...over,
});
const error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

beforeEach(() => sns.reset());

describe('the SNS adapter', () => {
  it('sends a Transactional SMS with the sender ID, and gives its message id (for the delivery status)', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    expect(await notifier().deliver(message())).toEqual({ status: 'sent', messageId: 'm-1' });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      PhoneNumber: '+84912345678',
      Message: 'Ho so HS-1 da qua han',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'DUNGHAN' },
      },
    });
    // The SMS channel publishes the SMS only: the topic is a channel of its own (the policy's).
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('publishes the topic copy with filter attributes and no phone number', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 't-1' });
    const { phone: _phone, ...copy } = message();
    expect(await notifier().publish(copy)).toEqual({ status: 'sent', messageId: 't-1' });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:ap-southeast-1:111122223333:escalations',
      MessageAttributes: {
        unitId: { DataType: 'String', StringValue: 'so-nnmt' },
        kind: { DataType: 'String', StringValue: 'head.escalation' },
        level: { DataType: 'Number', StringValue: '1' },
      },
    });
    const topicCopy = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(topicCopy.PhoneNumber).toBeUndefined();
    expect(topicCopy.Message).not.toContain('+84912345678');
  });

  it('says so when no topic is configured, without calling SNS', async () => {
    const { phone: _phone, ...copy } = message();
    expect(await notifier(false).publish(copy)).toEqual({
      status: 'undeliverable',
      reason: 'no escalation topic is configured',
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('retries throttling and server faults with backoff, then succeeds', async () => {
    sns
      .on(PublishCommand)
      .rejectsOnce(error('Throttling', 400))
      .rejectsOnce(error('InternalFailure', 500))
      .resolves({ MessageId: 'm-2' });
    expect(await notifier(false).deliver(message())).toEqual({ status: 'sent', messageId: 'm-2' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 3);
  });

  it('gives the fault back to the workflow when it persists', async () => {
    sns.on(PublishCommand).rejects(error('ServiceUnavailable', 503));
    await expect(notifier(false).deliver(message())).rejects.toThrow('ServiceUnavailable');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 4);
  });

  it("records a permanent failure with the provider's reason, without retrying", async () => {
    sns
      .on(PublishCommand)
      .rejects(Object.assign(error('InvalidParameterException', 400), { message: 'Invalid parameter: PhoneNumber' }));
    expect(await notifier(false).deliver(message())).toEqual({
      status: 'failed',
      reason: 'InvalidParameterException: Invalid parameter: PhoneNumber',
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });
});
