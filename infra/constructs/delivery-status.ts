import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as destinations from 'aws-cdk-lib/aws-logs-destinations';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DunghanFunction } from './function.ts';

export interface DeliveryStatusProps {
  table: ITable;
  key: IKey;
  topic: ITopic;
  senderId: string;
  /** SNS's SMS delivery status log groups (Notifications makes them, with the role SNS writes them as). */
  logGroups: logs.ILogGroup[];
}

/**
 * SMS delivery status (docs/law.md §6): a subscription on SNS's delivery status log groups hands each
 * line to a small function that records delivered or failed, with the provider's reason, on the notice.
 * A carrier receipt is not proof of delivery: nothing is resent from here. A citizen apology that failed
 * is told to its unit's head through the escalation topic.
 */
export class DeliveryStatus extends Construct {
  readonly fn: DunghanFunction;

  constructor(scope: Construct, id: string, props: DeliveryStatusProps) {
    super(scope, id);
    this.fn = new DunghanFunction(this, 'delivery-status', {
      handler: 'deliveryStatusHandler',
      description: 'dunghan: record SMS delivery statuses from the SNS delivery status logs',
      key: props.key,
    })
      .bindTable(props.table, 'readWrite')
      .bindNotifications(props.topic, props.senderId);
    for (const [i, logGroup] of props.logGroups.entries()) {
      new logs.SubscriptionFilter(this, `subscription-${i}`, {
        logGroup,
        destination: new destinations.LambdaDestination(this.fn),
        filterPattern: logs.FilterPattern.allEvents(),
      });
    }
  }
}
