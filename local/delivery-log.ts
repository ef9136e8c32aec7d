import { gzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import type { SimulatedStatus } from './outbox.ts';

/**
 * The CloudWatch Logs subscription event SNS's SMS delivery status logging would produce for these
 * messages (awslogs.data: base64 of gzipped JSON, one log event per message), as the AWS documentation
 * shows the lines: notification.messageId, delivery.destination and providerResponse, status.
 */
export function deliveryLogEvent(statuses: readonly SimulatedStatus[]): CloudWatchLogsEvent {
  const failed = statuses.some((s) => s.status === 'FAILURE');
  const data = {
    messageType: 'DATA_MESSAGE',
    owner: '000000000000',
    logGroup: `sns/local/000000000000/DirectPublishToPhoneNumber${failed ? '/Failure' : ''}`,
    logStream: 'local',
    subscriptionFilters: ['delivery-status'],
    logEvents: statuses.map((s, i) => ({
      id: `${s.at}-${i}`,
      timestamp: s.at,
      message: JSON.stringify({
        notification: {
          messageId: s.messageId,
          timestamp: new Date(s.at).toISOString().replace('T', ' ').slice(0, 23),
        },
        delivery: {
          numberOfMessageParts: s.parts,
          destination: s.phone,
          smsType: 'Transactional',
          providerResponse: s.providerResponse,
          dwellTimeMs: 5000,
        },
        status: s.status,
      }),
    })),
  };
  return { awslogs: { data: gzipSync(JSON.stringify(data)).toString('base64') } };
}
