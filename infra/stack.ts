import { type CfnElement, CfnOutput, RemovalPolicy, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct, IConstruct } from 'constructs';
import { Alarms } from './constructs/alarms.ts';
import { IntakeApi } from './constructs/api.ts';
import { DashboardSite } from './constructs/dashboard-site.ts';
import { DeliveryStatus } from './constructs/delivery-status.ts';
import { Notifications } from './constructs/notifications.ts';
import { Schedules } from './constructs/schedules.ts';
import { SignIn } from './constructs/sign-in.ts';
import { DossierTable } from './constructs/table.ts';
import { DossierWorkflow } from './constructs/workflow.ts';

export interface DunghanStackProps extends StackProps {
  /**
   * Development only: the table, its key and log groups are destroyed with the stack.
   * @default false (production: deletion protection and RETAIN)
   */
  devDestroyData?: boolean;
}

/** The whole of dunghan in one deployable stack: one construct per concern. */
export class DunghanStack extends Stack {
  readonly key: kms.Key;
  readonly table: DossierTable;
  readonly workflow: DossierWorkflow;
  readonly intake: IntakeApi;
  readonly signIn: SignIn;
  readonly site: DashboardSite;
  readonly notifications: Notifications;
  readonly schedules: Schedules;
  readonly alarms: Alarms;
  readonly delivery: DeliveryStatus;

  constructor(scope: Construct, id: string, props: DunghanStackProps = {}) {
    super(scope, id, props);
    const dev = props.devDestroyData ?? false;

    // One customer-managed key for the table, the topics, the queue, the logs and the workflow.
    this.key = new kms.Key(this, 'key', {
      description: 'dunghan data: dossiers, notices, logs',
      enableKeyRotation: true,
      removalPolicy: dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    for (const service of [`logs.${this.region}.amazonaws.com`, 'cloudwatch.amazonaws.com', 'states.amazonaws.com']) {
      this.key.grantEncryptDecrypt(new iam.ServicePrincipal(service));
    }

    this.table = new DossierTable(this, 'store', { key: this.key, devDestroyData: dev });
    const table = this.table.table;
    this.notifications = new Notifications(this, 'notifications', { key: this.key, devDestroyData: dev });
    const { topic, senderId, deadLetters } = this.notifications;
    this.workflow = new DossierWorkflow(this, 'workflow', { table, key: this.key, topic, senderId });
    this.signIn = new SignIn(this, 'sign-in', { devDestroyData: dev });
    this.intake = new IntakeApi(this, 'intake', {
      table,
      key: this.key,
      userPool: this.signIn.userPool,
      stateMachineArn: this.workflow.stateMachineArn,
    });
    this.workflow.stateMachine.grantStartExecution(this.intake.ingest);
    this.site = new DashboardSite(this, 'dashboard', { api: this.intake.api, devDestroyData: dev });
    const client = this.signIn.addDashboardClient(this.site.url);
    this.site.deploy({ domain: this.signIn.domain, client });
    this.schedules = new Schedules(this, 'schedules', {
      table,
      key: this.key,
      topic,
      senderId,
      stateMachineArn: this.workflow.stateMachineArn,
      deadLetters,
    });

    this.delivery = new DeliveryStatus(this, 'delivery', {
      table,
      key: this.key,
      topic,
      senderId,
      logGroups: this.notifications.deliveryLogs,
    });

    const operations = new sns.Topic(this, 'operations', {
      displayName: 'dunghan operations alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.alarms = new Alarms(this, 'alarms', {
      stateMachine: this.workflow.stateMachine,
      deadLetters,
      api: this.intake.api,
      topic: operations,
      sweeperLogs: this.schedules.sweeper.logGroup,
      functions: {
        ingest: this.intake.ingest,
        sweeper: this.schedules.sweeper,
        digest: this.schedules.digest,
        delivery: this.delivery.fn,
        ...Object.fromEntries(
          Object.entries(this.workflow.functions).map(([k, fn]) => [k.replace(/FunctionArn$/, '').toLowerCase(), fn]),
        ),
      },
    });

    new CfnOutput(this, 'ApiUrl', {
      value: this.intake.api.url,
      description: 'POST {url}events (SigV4); GET {url}reports/units, {url}dossiers, … (a Cognito ID token)',
    });
    new CfnOutput(this, 'UserPoolId', { value: this.signIn.userPool.userPoolId });
    new CfnOutput(this, 'DashboardUrl', {
      value: this.site.url,
      description: 'the dashboard (sign in with a user of the pool)',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'EscalationTopicArn', { value: topic.topicArn });
    new CfnOutput(this, 'OperationsTopicArn', { value: operations.topicArn });

    acknowledgeNagFindings(this);
  }
}

/**
 * cdk-nag AwsSolutions findings accepted, each scoped to its construct and with its reason (the infra
 * tests check that no finding is left unacknowledged and that every acknowledgement has a reason).
 */
function acknowledgeNagFindings(stack: DunghanStack): void {
  const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
  ack(
    stack.signIn.userPool,
    'AwsSolutions-COG2',
    'MFA is optional: heads sign in from their phones; each may add an authenticator app, and the province may require it.',
  );
  const arnOf = (c: IConstruct) => `<${stack.getLogicalId(c.node.defaultChild as CfnElement)}.Arn>`;
  const table = stack.table.table;
  const functions = [
    stack.intake.ingest,
    stack.schedules.sweeper,
    stack.schedules.digest,
    stack.delivery.fn,
    ...Object.values(stack.workflow.functions),
  ];
  for (const fn of functions) {
    ack(
      fn,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The AWS-managed minimum for a function to write its own logs; it grants no data access.',
    );
    ack(
      fn,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords accept only "*"; for notifying functions also sns:Publish to a phone number, which has no resource ARN.',
    );
    ack(
      fn,
      `AwsSolutions-IAM5[Resource::${arnOf(table)}/index/*]`,
      "Queries on the table's own secondary indexes (byCheckpoint, byNoticeStatus, byWatch, allUnits).",
    );
    ack(
      fn,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      "Encrypting with the project's one key (table, topic, queue); scoped to that key.",
    );
    ack(
      fn,
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      "Encrypting with the project's one key (table, topic, queue); scoped to that key.",
    );
    ack(
      fn,
      'AwsSolutions-L1',
      'Node.js 22 (nodejs22.x) is the runtime the project targets and tests on; move when the project does.',
    );
  }
  // As cdk-nag prints it: a region or account given at synth (the CLI's default environment) is literal.
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  ack(
    stack.schedules.sweeper,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:${stack.stackName}-dossier-path:*]`,
    "DescribeExecution on the dossier-path machine's own executions: the sweeper asks whether a dossier's execution died (their names are the dossier ids).",
  );
  const stateMachine = stack.workflow.stateMachine;
  ack(
    stateMachine,
    'AwsSolutions-SF1',
    'Logging is at ERROR without execution data on purpose: no personal data in logs (execution input is ids only).',
  );
  ack(
    stateMachine,
    'AwsSolutions-IAM5[Resource::*]',
    'X-Ray and CloudWatch Logs delivery (logs:CreateLogDelivery and related) accept only "*".',
  );
  for (const fn of Object.values(stack.workflow.functions)) {
    ack(
      stateMachine,
      `AwsSolutions-IAM5[Resource::${arnOf(fn)}:*]`,
      'Invoking the task functions, including their versions and aliases (lambda:InvokeFunction on <arn>:*).',
    );
  }
  const schedulerRole = stack.schedules.node.findChild('scheduler-role');
  for (const fn of [stack.schedules.sweeper, stack.schedules.digest]) {
    ack(
      schedulerRole,
      `AwsSolutions-IAM5[Resource::${arnOf(fn)}:*]`,
      'The schedule invokes its function, including versions and aliases.',
    );
  }
  ack(
    schedulerRole,
    'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    'Failed invocations go to the KMS-encrypted dead-letter queue; scoped to the project key.',
  );
  ack(
    schedulerRole,
    'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
    'Failed invocations go to the KMS-encrypted dead-letter queue; scoped to the project key.',
  );
  ack(
    stack.notifications.node.findChild('sms-settings'),
    'AwsSolutions-IAM5[Resource::*]',
    'sns:SetSMSAttributes sets account-level SMS settings and has no resource-level permission.',
  );
  // The provider function CDK creates once per stack for AwsCustomResource (the SMS settings).
  const provider = stack.node.tryFindChild(
    cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '').replace(/^/, 'AWS'),
  );
  if (provider) {
    ack(
      provider,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The AwsCustomResource provider that applies the SMS settings at deploy time writes its own logs; it has no data access.',
    );
  }
  ack(
    stack.intake.api,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    "API Gateway's account-level role for writing execution and access logs (the AWS-managed minimum).",
  );
  ack(
    stack.intake.api,
    'AwsSolutions-APIG3',
    'Every method is signed: iGate with SigV4, people with Cognito ID tokens, behind throttling; add a web ACL when the province exposes the dashboard beyond its officers.',
  );
  ack(
    stack.intake.api,
    'AwsSolutions-COG4',
    'POST /events and /dvcqg/* are machine routes signed with IAM (SigV4) by iGate and the portal; every other method uses the Cognito authorizer.',
  );
}
