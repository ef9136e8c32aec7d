import { parser } from '@aws-lambda-powertools/parser/middleware';
import { CloudWatchLogsSchema } from '@aws-lambda-powertools/parser/schemas/cloudwatch';
import middy from '@middy/core';
import { z } from 'zod';
import { type DeliveryStatus, recordDeliveryStatuses } from '../app/notices/delivery.ts';
import { type HandlerRuntime, observed } from './runtime.ts';
import { workflowErrors } from './task-errors.ts';

/**
 * The subscription on SNS's SMS delivery status log groups (DirectPublishToPhoneNumber and its
 * Failure group): each log line is one message's status. The line also holds the destination number:
 * it is read by no one here, never kept and never logged. Someone else's format is read tolerantly: a
 * line that is not a delivery status is skipped and counted, never guessed at.
 */
const DeliveryLogLine = z.object({
  notification: z.object({ messageId: z.string().min(1), timestamp: z.string().optional() }),
  delivery: z.object({ providerResponse: z.string().optional() }).optional(),
  status: z.string(),
});

export function parseDeliveryLine(message: string, timestamp: number): DeliveryStatus | null {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return null;
  }
  const line = DeliveryLogLine.safeParse(json);
  if (!line.success) return null;
  const status = line.data.status.toUpperCase();
  if (status !== 'SUCCESS' && status !== 'FAILURE') return null;
  return {
    messageId: line.data.notification.messageId,
    status: status === 'SUCCESS' ? 'delivered' : 'failed',
    reason: line.data.delivery?.providerResponse ?? (status === 'SUCCESS' ? 'accepted' : 'failed'),
    at: timestamp,
  };
}

export const makeDeliveryStatus = (rt: HandlerRuntime) =>
  observed(rt, middy<z.output<typeof CloudWatchLogsSchema>>())
    .use(parser({ schema: CloudWatchLogsSchema }))
    .use(workflowErrors())
    .handler(async (event) => {
      const statuses: DeliveryStatus[] = [];
      let skipped = 0;
      for (const e of event.awslogs.data.logEvents) {
        const s = parseDeliveryLine(e.message, e.timestamp);
        if (s) statuses.push(s);
        else skipped++;
      }
      if (skipped > 0) rt.logger.warn('delivery status: lines that are not SMS delivery statuses skipped', { skipped });
      return { ...(await recordDeliveryStatuses(rt.deps(), statuses)), skipped };
    });
