import { CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/**
 * Notifications: the account's SMS settings (sender ID, Transactional, monthly spend limit, as stack
 * parameters; delivery status logging with its role and log groups), the escalation topic (KMS, TLS only) for e-mail or webhook subscribers with filter
 * policies on unitId / kind / level, and the dead-letter queue of failed scheduled work.
 */
export class Notifications extends Construct {
  readonly topic: sns.Topic;
  readonly deadLetters: sqs.Queue;
  readonly senderId: string;
  /** SNS's SMS delivery status log groups: successes and failures. */
  readonly deliveryLogs: logs.LogGroup[];
  /** The role SNS writes them as (the account's DeliveryStatusIAMRole). */
  readonly deliveryLogRole: iam.Role;

  constructor(scope: Construct, id: string, props: { key: IKey; devDestroyData?: boolean }) {
    super(scope, id);
    // Parameters at the stack's top level, so that their names are plain: SmsSenderId, SmsMonthlySpendLimitUsd.
    const stack = Stack.of(this);
    const senderId = new CfnParameter(stack, 'SmsSenderId', {
      type: 'String',
      default: 'DUNGHAN',
      allowedPattern: '^[A-Za-z0-9]{1,11}$',
      description: 'The SMS sender ID registered for Vietnam (up to 11 letters or digits).',
    });
    const spendLimit = new CfnParameter(stack, 'SmsMonthlySpendLimitUsd', {
      type: 'Number',
      default: 100,
      minValue: 1,
      description: 'Monthly SMS spend limit of the account, in USD (raise it with AWS Support first).',
    });
    this.senderId = senderId.valueAsString;

    this.topic = new sns.Topic(this, 'escalations', {
      displayName: 'dunghan escalations',
      masterKey: props.key,
      enforceSSL: true,
    });
    this.deadLetters = new sqs.Queue(this, 'dead-letters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // SMS delivery status logging (docs/law.md §6): SNS writes every SMS's status, successes sampled at
    // 100 %, to these log groups, whose names SNS fixes; made here to encrypt them and keep them a while.
    const prefix = `sns/${stack.region}/${stack.account}/DirectPublishToPhoneNumber`;
    this.deliveryLogs = [prefix, `${prefix}/Failure`].map(
      (logGroupName, i) =>
        new logs.LogGroup(this, i === 0 ? 'delivery-logs' : 'delivery-failure-logs', {
          logGroupName,
          retention: logs.RetentionDays.THREE_MONTHS,
          encryptionKey: props.key,
          removalPolicy: props.devDestroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
        }),
    );
    this.deliveryLogRole = new iam.Role(this, 'delivery-log-role', {
      assumedBy: new iam.ServicePrincipal('sns.amazonaws.com'),
      description: 'SNS writes SMS delivery statuses to the dunghan delivery log groups',
    });
    this.deliveryLogRole.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:PutMetricFilter',
          'logs:PutRetentionPolicy',
        ],
        // A log group's Arn attribute ends in ":*": its streams included.
        resources: this.deliveryLogs.map((g) => g.logGroupArn),
      }),
    );

    // SMS settings are account attributes with no CloudFormation resource: SetSMSAttributes on deploy.
    new cr.AwsCustomResource(this, 'sms-settings', {
      onUpdate: {
        service: 'SNS',
        action: 'setSMSAttributes',
        parameters: {
          attributes: {
            DefaultSMSType: 'Transactional',
            DefaultSenderID: senderId.valueAsString,
            MonthlySpendLimit: spendLimit.valueAsString,
            DeliveryStatusIAMRole: this.deliveryLogRole.roleArn,
            DeliveryStatusSuccessSamplingRate: '100',
          },
        },
        physicalResourceId: cr.PhysicalResourceId.of('dunghan-sms-settings'),
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['sns:SetSMSAttributes'], resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [this.deliveryLogRole.roleArn] }),
      ]),
      installLatestAwsSdk: false,
    });
  }
}
