import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export interface DunghanFunctionProps {
  /** The export of functions/main/tasks.ts or functions/main/api.ts that handles the invocation. */
  handler: string;
  /** @default 'functions/main/tasks.ts' */
  entry?: string;
  description: string;
  /** @default Duration.seconds(30) */
  timeout?: Duration;
  /** @default 512 */
  memorySize?: number;
  /** The project key that encrypts the log group and the environment. */
  key: IKey;
  /** @default logs.RetentionDays.THREE_MONTHS */
  logRetention?: logs.RetentionDays;
  /** Extra NodejsFunction props (dead-letter queue of scheduled functions, …). */
  extra?: Partial<NodejsFunctionProps>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Every dunghan Lambda function: Node 22 on ARM64, bundled locally by esbuild with
 * source maps, X-Ray tracing, its own encrypted log group with a retention. The bind helpers set the
 * environment variable and grant least privilege in one call.
 */
export class DunghanFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: DunghanFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}-logs`, {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    super(scope, id, {
      entry: `${ROOT}${props.entry ?? 'functions/main/tasks.ts'}`,
      handler: props.handler,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      tracing: Tracing.ACTIVE,
      logGroup,
      environmentEncryption: props.key,
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
      environment: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'dunghan' },
      bundling: {
        sourceMap: true,
        minify: true,
        target: 'node22',
        format: OutputFormat.CJS,
        externalModules: ['@aws-sdk/*'],
      },
      ...props.extra,
    });
  }

  /** TABLE_NAME, and read or read-write access to the table (and its key). */
  bindTable(table: ITable, access: 'read' | 'readWrite'): this {
    this.addEnvironment('TABLE_NAME', table.tableName);
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    return this;
  }

  /** Answering task tokens of the dossier-path state machine, by its ARN (a grant on the construct itself
   * would make a dependency cycle for functions named inside the definition). */
  bindTaskResponses(stateMachineArn: string): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        resources: [stateMachineArn],
      }),
    );
    return this;
  }

  /** SMS to phone numbers, and escalation copies to the topic (ESCALATION_TOPIC_ARN). */
  bindNotifications(topic: ITopic, senderId: string): this {
    this.addEnvironment('ESCALATION_TOPIC_ARN', topic.topicArn);
    this.addEnvironment('SMS_SENDER_ID', senderId);
    topic.grantPublish(this);
    // Publishing to a phone number has no resource ARN: SNS authorises it only on "*".
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    return this;
  }

  /** The account and region's ARN for a state machine named `name`. */
  static stateMachineArn(scope: Construct, name: string): string {
    return Stack.of(scope).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}
