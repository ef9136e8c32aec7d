import { Duration, TimeZone } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DunghanFunction } from './function.ts';

export interface SchedulesProps {
  table: ITable;
  key: IKey;
  topic: ITopic;
  senderId: string;
  stateMachineArn: string;
  deadLetters: IQueue;
}

/** EventBridge Scheduler: the sweeper every 15 minutes, the digest daily at 07:30 Asia/Ho_Chi_Minh. */
export class Schedules extends Construct {
  readonly sweeper: DunghanFunction;
  readonly digest: DunghanFunction;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const scheduled = (fnId: string, handler: string, description: string) =>
      new DunghanFunction(this, fnId, {
        handler,
        description,
        key: props.key,
        timeout: Duration.minutes(5),
        extra: { deadLetterQueue: props.deadLetters },
      })
        .bindTable(props.table, 'readWrite')
        .bindNotifications(props.topic, props.senderId);
    // The sweeper restarts an execution that died (functions/app/tasks.ts sweep): it asks about the
    // dossier's execution and starts the next attempt, on this state machine only. Its resent apology
    // is recorded as an event, which makes open steps re-check (a task answer); the digest only reads
    // the store and sends: it answers no task token.
    this.sweeper = scheduled(
      'sweeper',
      'sweepHandler',
      'dunghan: restart dead executions, send notices left unsent',
    ).bindTaskResponses(props.stateMachineArn);
    this.sweeper.addEnvironment('STATE_MACHINE_ARN', props.stateMachineArn);
    this.sweeper.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [props.stateMachineArn] }),
    );
    this.sweeper.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: [Schedules.executionsOf(props.stateMachineArn)],
      }),
    );
    this.digest = scheduled('digest', 'digestHandler', 'dunghan: daily digest of overdue dossiers');
    // One role for both schedules; it may write to the (KMS-encrypted) dead-letter queue.
    const role = new iam.Role(this, 'scheduler-role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
    });
    props.key.grantEncryptDecrypt(role);
    const target = (fn: DunghanFunction) =>
      new targets.LambdaInvoke(fn, { deadLetterQueue: props.deadLetters, retryAttempts: 2, role });
    new scheduler.Schedule(this, 'sweep-every-15-minutes', {
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(15)),
      target: target(this.sweeper),
      description: 'dunghan sweeper',
    });
    new scheduler.Schedule(this, 'digest-daily', {
      schedule: scheduler.ScheduleExpression.cron({ minute: '30', hour: '7', timeZone: TimeZone.ASIA_HO_CHI_MINH }),
      target: target(this.digest),
      description: 'dunghan daily digest to heads of units (07:30 local)',
    });
  }

  /** The ARN pattern of a state machine's executions (arn:…:execution:<machine>:*). */
  static executionsOf(stateMachineArn: string): string {
    return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:*`;
  }
}
