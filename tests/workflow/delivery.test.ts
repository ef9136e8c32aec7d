import { gzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../functions/adapters/sns.ts';
import { parseInstant } from '../../functions/core/instant.ts';
import { makeDeliveryStatus } from '../../functions/handlers/delivery.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { PROVINCE, received } from '../support/events.ts';

// SMS delivery status (docs/law.md §6): SNS logs each SMS's status to CloudWatch Logs; a subscription
// hands the lines to the delivery function, which records them on the notice. SNS is mocked at the SDK
// edge (its message ids); the store, the workflow and the handler are the real ones.
const TOPIC = 'arn:aws:sns:ap-southeast-1:111122223333:escalations';
const sns = mockClient(SNSClient);
let stack: LocalStack;
let ids = 0;

/** A CloudWatch Logs subscription event as SNS's delivery status logging writes it. */
const logEvent = (lines: { messageId: string; status: 'SUCCESS' | 'FAILURE'; response: string }[]) => ({
  awslogs: {
    data: gzipSync(
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        owner: '111122223333',
        logGroup: 'sns/ap-southeast-1/111122223333/DirectPublishToPhoneNumber/Failure',
        logStream: 's',
        subscriptionFilters: ['delivery-status'],
        logEvents: [
          ...lines.map((l, i) => ({
            id: String(i),
            timestamp: parseInstant('2026-03-04T07:20:00+07:00'),
            message: JSON.stringify({
              notification: { messageId: l.messageId, timestamp: '2026-03-04 00:20:00.000' },
              delivery: { destination: '+84905123456', providerResponse: l.response, numberOfMessageParts: 1 },
              status: l.status,
            }),
          })),
          { id: 'x', timestamp: 0, message: 'not a delivery status line' },
        ],
      }),
    ).toString('base64'),
  },
});

beforeAll(async () => {
  sns.on(PublishCommand).callsFake(() => ({ MessageId: `sns-${++ids}` }));
  stack = await startLocalStack({
    simulatedStart: parseInstant('2026-03-01T00:00:00+07:00'),
    notifier: new SnsNotifier(new SNSClient({ region: 'ap-southeast-1' }), {
      senderId: 'DUNGHAN',
      escalationTopicArn: TOPIC,
      sleep: async () => {},
    }),
  });
  for (const e of [
    ...PROVINCE,
    received('D-1', '2026-03-02T08:00:00+07:00', '1 working day', [[['work', 'xa', '1 working day']]]),
  ]) {
    await stack.time!.advanceTo(parseInstant(e.at as string));
    expect((await stack.request('POST', '/events', JSON.stringify(e))).statusCode).toBeLessThan(300);
  }
  // Late at Tue 3/3 17:00: the citizen's apology at 17:01, the head's apology.due Wed 07:01.
  await stack.time!.advanceTo(parseInstant('2026-03-04T07:10:00+07:00'));
});
afterAll(async () => {
  await stack.close();
  sns.restore();
});

describe('SMS delivery status', () => {
  it('records delivered and failed with the provider’s reason; a failed citizen apology tells the head by the topic', async () => {
    const apology = (await stack.deps.store.notices.get('D-1', 'D-1/citizen.apology/dossier/v0'))!;
    const due = (await stack.deps.store.notices.get('D-1', 'D-1/apology.due/dossier/v0'))!;
    expect(apology).toMatchObject({ status: 'sent', messageId: expect.stringMatching(/^sns-/) });
    expect(due).toMatchObject({ status: 'sent', messageId: expect.stringMatching(/^sns-/) });
    const published = sns.commandCalls(PublishCommand).length;

    const handler = makeDeliveryStatus({
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      deps: () => stack.deps,
    });
    const result = await handler(
      logEvent([
        { messageId: due.messageId!, status: 'SUCCESS', response: 'Message has been accepted by phone carrier' },
        { messageId: apology.messageId!, status: 'FAILURE', response: 'Phone is currently unreachable/unavailable' },
        { messageId: 'sns-from-another-sender', status: 'SUCCESS', response: 'accepted' },
      ]) as never,
      { awsRequestId: 'r-1', functionName: 'delivery' } as Context,
    );
    expect(result).toEqual({ recorded: 2, unknown: 1, apologiesFailed: 1, skipped: 1 });
    expect(await stack.deps.store.notices.get('D-1', due.noticeId)).toMatchObject({
      status: 'sent',
      delivery: { status: 'delivered', reason: 'Message has been accepted by phone carrier' },
    });
    // Recorded, not resent: the apology stays sent (a receipt is no proof either way).
    expect(await stack.deps.store.notices.get('D-1', apology.noticeId)).toMatchObject({
      status: 'sent',
      delivery: { status: 'failed', reason: 'Phone is currently unreachable/unavailable' },
    });
    const failed = (await stack.deps.store.notices.ofDossier('D-1')).find((n) => n.kind === 'delivery.failed')!;
    expect(failed).toMatchObject({ unitId: 'xa', status: 'sent', channels: ['topic'] });
    expect(failed.text).toContain('khong den duoc cong dan (may khong lien lac duoc)');
    const after = sns
      .commandCalls(PublishCommand)
      .slice(published)
      .map((c) => c.args[0].input);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ TopicArn: TOPIC });
    expect(after[0]!.PhoneNumber).toBeUndefined();

    // The same lines again (a redelivered log batch): recorded again, no second alarm.
    await handler(
      logEvent([
        { messageId: apology.messageId!, status: 'FAILURE', response: 'Phone is currently unreachable/unavailable' },
      ]) as never,
      { awsRequestId: 'r-2', functionName: 'delivery' } as Context,
    );
    expect(sns.commandCalls(PublishCommand).length).toBe(published + 1);
  });
});
