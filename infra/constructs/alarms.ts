import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface AlarmsProps {
  stateMachine: StateMachine;
  deadLetters: IQueue;
  api: RestApi;
  functions: Record<string, IFunction>;
  /** The sweeper's log group: it logs every dossier it quarantines (functions/app/sweeper.ts). */
  sweeperLogs: logs.ILogGroup;
  /** Where alarms go (the operators' topic). */
  topic: ITopic;
}

/** What an operator must hear about: failed work, stuck messages, SMS not delivered, API faults. */
export class Alarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const alarm = (
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      comparison = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ) => {
      const a = new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: comparison,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(new actions.SnsAction(props.topic));
      this.alarms.push(a);
    };
    const fiveMinutes = { period: Duration.minutes(5) };
    alarm(
      'executions-failed',
      props.stateMachine.metricFailed(fiveMinutes),
      1,
      'A dossier execution failed: the sweeper and the store keep the dossier; look at the error.',
    );
    alarm('executions-timed-out', props.stateMachine.metricTimedOut(fiveMinutes), 1, 'A dossier execution timed out.');
    alarm(
      'dead-letters',
      props.deadLetters.metricApproximateNumberOfMessagesVisible(fiveMinutes),
      1,
      'Scheduled work (sweeper, digest) failed after its retries.',
    );
    alarm(
      'ingest-5xx',
      props.api.metricServerError(fiveMinutes),
      1,
      'The intake API answered 5xx: events may be retried by the sender.',
    );
    alarm(
      'sms-success-rate',
      new cloudwatch.Metric({
        namespace: 'AWS/SNS',
        metricName: 'SMSSuccessRate',
        statistic: 'Average',
        period: Duration.hours(1),
      }),
      0.9,
      'Fewer than 90 % of SMS were delivered in the last hour (carrier receipts are unreliable in Vietnam: check before acting).',
      cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    );
    // The sweeper gave up on a dossier whose execution kept dying: someone must repair its data.
    const quarantined = new logs.MetricFilter(this, 'dossiers-quarantined-filter', {
      logGroup: props.sweeperLogs,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', 'sweep: dossier quarantined'),
      metricNamespace: 'dunghan',
      metricName: 'DossiersQuarantined',
      metricValue: '1',
      defaultValue: 0,
    });
    alarm(
      'dossiers-quarantined',
      quarantined.metric({ statistic: 'Sum', period: Duration.minutes(15) }),
      1,
      'The sweeper quarantined a dossier after its execution died on every restart: GET /dossiers/{id} gives the reason.',
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`errors-${name}`, fn.metricErrors(fiveMinutes), 1, `Lambda ${name} reported errors.`);
    }
  }
}
