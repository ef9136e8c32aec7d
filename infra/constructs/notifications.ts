import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/**
 * Notifications: the account's SMS settings (sender ID, Transactional, monthly spend limit, as stack
 * parameters), the escalation topic (KMS, TLS only) for e-mail or webhook subscribers with filter
 * policies on unitId / kind / level, and the dead-letter queue of failed scheduled work.
 */
export class Notifications extends Construct {
  readonly topic: sns.Topic;
  readonly deadLetters: sqs.Queue;
  readonly senderId: string;

  constructor(scope: Construct, id: string, props: { key: IKey }) {
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
          },
        },
        physicalResourceId: cr.PhysicalResourceId.of('dunghan-sms-settings'),
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['sns:SetSMSAttributes'], resources: ['*'] }),
      ]),
      installLatestAwsSdk: false,
    });
  }
}
