import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_KEYS } from '../../functions/adapters/dynamodb/table.ts';
import { DVCQG_SERVICES } from '../../functions/schemas/dvcqg.ts';
import { buildApp } from '../../infra/app.ts';
import { DossierTable } from '../../infra/constructs/table.ts';
import { DOSSIER_PATH_ASL, placeholders, TASK_FUNCTIONS } from '../../workflows/index.ts';
import { tempDir } from '../support/temp.ts';

// One synth of the real app (functions bundled by esbuild, cdk-nag's AwsSolutions pack enabled).
let template: Template;
let report: {
  pluginReports: {
    summary: { status: string };
    violations: { ruleName: string; violatingResources: { resourceLogicalId: string }[] }[];
  }[];
};
let resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>;

const outdir = tempDir('dunghan-cdk-');
const devOutdir = tempDir('dunghan-cdk-dev-');
beforeAll(() => {
  const { app, stack } = buildApp(new App({ outdir: outdir() }));
  const assembly = app.synth();
  report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
  template = Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
  resources = template.toJSON().Resources;
}, 180_000);

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
const statements = (policy: { Properties?: Record<string, unknown> }) =>
  (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement;

/** A CloudFormation value as text: Ref X -> <X>, GetAtt X.Arn -> <X.Arn>, Fn::Join concatenated. */
function resolve(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
  if (v.Ref) return `<${v.Ref}>`;
  if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(resolve).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

/** The path of an API method, from its resource up to the root ("/dossiers/{id}/apology"). */
function methodPath(m: { Properties?: Record<string, unknown> }): string {
  const parts: string[] = [];
  let ref = m.Properties!.ResourceId as { Ref?: string } | undefined;
  while (ref?.Ref && resources[ref.Ref]?.Type === 'AWS::ApiGateway::Resource') {
    const r = resources[ref.Ref]!.Properties!;
    parts.unshift(String(r.PathPart));
    ref = r.ParentId as { Ref?: string };
  }
  return `/${parts.join('/')}`;
}

describe('the AWS stack', () => {
  it('passes cdk-nag AwsSolutions with every acknowledgement carrying a reason', () => {
    const violations = report.pluginReports.flatMap((p) =>
      p.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`),
    );
    expect(violations).toEqual([]);
    const acknowledgements = Object.values(
      template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
    );
    expect(acknowledgements.length).toBeGreaterThan(0);
    const source = readFileSync(new URL('../../infra/stack.ts', import.meta.url), 'utf8');
    for (const m of source.matchAll(/ack\([^,]+,\s*[^,]+,\s*\n?\s*(['"`])(.*?)\1/gs))
      expect(m[2]!.length, m[0]).toBeGreaterThan(30);
  });

  it('keeps the table on demand, encrypted with the project key, recoverable and protected', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey.name, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE_KEYS.indexes.map((i) => Match.objectLike({ IndexName: i.indexName })),
      }),
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('destroys data only under the clearly named development flag', () => {
    const stack = new Stack(new App({ outdir: devOutdir() }), 'dev');
    new DossierTable(stack, 'store', { key: new kms.Key(stack, 'key'), devDestroyData: true });
    Template.fromStack(stack).hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('runs the dossier-path ASL inline with every placeholder substituted, ERROR logs without data, X-Ray', () => {
    const [, machine] = ofType('AWS::StepFunctions::StateMachine')[0]!;
    const props = machine.Properties!;
    expect(Object.keys(props.DefinitionSubstitutions as object).sort()).toEqual(placeholders(DOSSIER_PATH_ASL));
    expect(Object.keys(TASK_FUNCTIONS).sort()).toEqual(placeholders(DOSSIER_PATH_ASL));
    expect(props).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
      EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY' },
    });
    expect(props.DefinitionString).toBeDefined();
    expect(props.DefinitionS3Location).toBeUndefined();
  });

  it('runs every function on Node 22, ARM64, traced, with an encrypted log group with a retention', () => {
    const fns = ofType('AWS::Lambda::Function').filter(([, r]) =>
      String(r.Properties?.Description ?? '').startsWith('dunghan'),
    );
    expect(fns).toHaveLength(11); // ingest, seven task functions, sweeper, digest, delivery status
    for (const [id, fn] of fns) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: expect.anything() },
      });
    }
    for (const [id, lg] of ofType('AWS::Logs::LogGroup'))
      expect(lg.Properties, id).toMatchObject({ RetentionInDays: 90, KmsKeyId: expect.anything() });
  });

  it('signs every API method: IAM for the machine routes, the Cognito authorizer for every other', () => {
    const routes = Object.fromEntries(
      ofType('AWS::ApiGateway::Method').map(([, m]) => [`${m.Properties!.HttpMethod} ${methodPath(m)}`, m.Properties!]),
    );
    expect(Object.keys(routes).sort()).toEqual([
      'GET /dossiers',
      'GET /dossiers/{id}',
      'GET /reports/units',
      'POST /dossiers/{id}/acknowledgements',
      'POST /dossiers/{id}/apology',
      'POST /dvcqg/CapNhatTienDoHoSoMC',
      'POST /dvcqg/DongBoHoSoMC',
      'POST /events',
    ]);
    const machine = (route: string) => route === 'POST /events' || route.startsWith('POST /dvcqg/');
    const [authorizerId] = ofType('AWS::ApiGateway::Authorizer')[0]!;
    for (const [route, m] of Object.entries(routes)) {
      expect(m.RequestValidatorId, route).toBeDefined();
      if (machine(route)) expect(m.AuthorizationType, route).toBe('AWS_IAM');
      else
        expect(m, route).toMatchObject({
          AuthorizationType: 'COGNITO_USER_POOLS',
          AuthorizerId: { Ref: authorizerId },
        });
    }
  });

  it('validates requests, throttles and logs access', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: [
        Match.objectLike({
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ],
    });
  });

  it('encrypts the topics and the queue with the project key and refuses plain transport', () => {
    for (const [id, t] of ofType('AWS::SNS::Topic'))
      expect(t.Properties, id).toMatchObject({ KmsMasterKeyId: expect.anything() });
    for (const [id, q] of ofType('AWS::SQS::Queue'))
      expect(q.Properties, id).toMatchObject({ KmsMasterKeyId: expect.anything() });
    const tlsOnly = Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    template.resourceCountIs('AWS::SNS::TopicPolicy', 2);
    template.allResourcesProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([tlsOnly]), Version: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([tlsOnly]), Version: Match.anyValue() },
    });
  });

  it('sets the SMS settings from parameters: Transactional, sender ID, spend limit', () => {
    expect(Object.keys(template.toJSON().Parameters)).toEqual(
      expect.arrayContaining(['SmsSenderId', 'SmsMonthlySpendLimitUsd']),
    );
    const [, sms] = ofType('Custom::AWS')[0]!;
    expect(JSON.stringify(sms.Properties!.Update)).toContain('Transactional');
  });

  it('schedules the sweeper every 15 minutes and the digest at 07:30 Asia/Ho_Chi_Minh', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(15 minutes)' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 7 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
    });
  });

  it('alarms on failed and timed-out executions, dead letters, SMS delivery, API 5xx, Lambda errors and quarantines', () => {
    const metrics = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!.MetricName);
    expect(metrics).toEqual(
      expect.arrayContaining([
        'ExecutionsFailed',
        'ExecutionsTimedOut',
        'ApproximateNumberOfMessagesVisible',
        'SMSSuccessRate',
        '5XXError',
        'Errors',
        'DossiersQuarantined',
      ]),
    );
    // The sweeper's quarantine log line is the metric, from the sweeper's own log group.
    const [, filter] = ofType('AWS::Logs::MetricFilter')[0]!;
    expect(filter.Properties).toMatchObject({ FilterPattern: '{ $.message = "sweep: dossier quarantined" }' });
    expect(JSON.stringify(filter.Properties!.LogGroupName)).toContain('sweeperlogs');
    expect(metrics.filter((m) => m === 'Errors')).toHaveLength(11);
  });

  it('logs SMS delivery statuses (role, 100 % of successes) and records them from a subscription on both log groups', () => {
    const [, sms] = ofType('Custom::AWS')[0]!;
    const update = JSON.stringify(sms.Properties!.Update);
    expect(update).toContain('DeliveryStatusIAMRole');
    expect(update).toContain('\\"DeliveryStatusSuccessSamplingRate\\":\\"100\\"');
    const groups = ofType('AWS::Logs::LogGroup').filter(([, g]) =>
      JSON.stringify(g.Properties!.LogGroupName ?? '').includes('DirectPublishToPhoneNumber'),
    );
    expect(groups.map(([, g]) => JSON.stringify(g.Properties!.LogGroupName).endsWith('Failure"]]}'))).toEqual([
      false,
      true,
    ]);
    const role = ofType('AWS::IAM::Role').find(([, r]) =>
      JSON.stringify(r.Properties!.AssumeRolePolicyDocument).includes('sns.amazonaws.com'),
    );
    expect(role).toBeDefined();
    const deliveryFn = ofType('AWS::Lambda::Function').find(
      ([, f]) => f.Properties!.Handler === 'index.deliveryStatusHandler',
    )!;
    const filters = ofType('AWS::Logs::SubscriptionFilter');
    expect(filters).toHaveLength(2);
    for (const [, f] of filters) {
      expect(f.Properties).toMatchObject({
        FilterPattern: '',
        DestinationArn: { 'Fn::GetAtt': [deliveryFn[0], 'Arn'] },
      });
    }
    expect(filters.map(([, f]) => resolve(f.Properties!.LogGroupName)).sort()).toEqual(
      groups.map(([id]) => `<${id}>`).sort(),
    );
  });

  it('grants "*" resources only to the actions that have no resource ARN', () => {
    const allowed =
      /^(xray:|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$|sns:Publish$|sns:SetSMSAttributes$|cloudfront:(Create|Get)Invalidation$)/;
    for (const [id, policy] of ofType('AWS::IAM::Policy')) {
      for (const st of (
        policy.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }
      ).Statement) {
        if (st.Resource !== '*') continue;
        for (const action of [st.Action].flat()) expect(action, `${id}`).toMatch(allowed);
      }
    }
  });

  it("limits every function's policy to its own table, key, state machine, topic and queue", () => {
    const keyId = ofType('AWS::KMS::Key')[0]![0];
    const tableId = ofType('AWS::DynamoDB::Table')[0]![0];
    const [machineId, machine] = ofType('AWS::StepFunctions::StateMachine')[0]!;
    const machineArn = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:${String(machine!.Properties!.StateMachineName)}`;
    const fns = ofType('AWS::Lambda::Function').filter(([, r]) =>
      String(r.Properties?.Description ?? '').startsWith('dunghan'),
    );
    // What each function may do beyond reading the table, and why (functions/app/*.ts).
    const may: Record<string, { write: boolean; answerTokens: boolean; start: boolean; publish: boolean }> = {
      // ingest: stores events, starts and answers executions
      'index.handler': { write: true, answerTokens: true, start: true, publish: false },
      'index.planHandler': { write: false, answerTokens: false, start: false, publish: false },
      'index.startStageHandler': { write: false, answerTokens: false, start: false, publish: false },
      // answers a wait whose step closed
      'index.registerWaitHandler': { write: true, answerTokens: true, start: false, publish: false },
      // Parks the dossier (a conditional write of its META); starts nothing: the sweeper or an event does.
      'index.endStageHandler': { write: true, answerTokens: false, start: false, publish: false },
      'index.checkpointHandler': { write: true, answerTokens: false, start: false, publish: false },
      // an apology makes open steps re-check
      'index.notifyHandler': { write: true, answerTokens: true, start: false, publish: true },
      'index.finalizeHandler': { write: true, answerTokens: false, start: false, publish: false },
      // resends notices via notify, restarts dead executions
      'index.sweepHandler': { write: true, answerTokens: true, start: true, publish: true },
      'index.digestHandler': { write: true, answerTokens: false, start: false, publish: true },
      // records delivery statuses; a failed citizen apology is told to the head through the topic
      'index.deliveryStatusHandler': { write: true, answerTokens: false, start: false, publish: true },
    };
    expect(fns.map(([, f]) => String(f.Properties!.Handler)).sort()).toEqual(Object.keys(may).sort());
    for (const [fnId, fn] of fns) {
      const props = fn.Properties as {
        Handler: string;
        Role: unknown;
        Environment?: { Variables?: Record<string, unknown> };
        DeadLetterConfig?: { TargetArn: unknown };
      };
      const roleId = (props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const ownTopic = props.Environment?.Variables?.ESCALATION_TOPIC_ARN;
      const ownQueue = props.DeadLetterConfig?.TargetArn;
      const allowed = new Map<string, RegExp>([
        [`<${tableId}.Arn>`, /^dynamodb:/],
        [`<${tableId}.Arn>/index/*`, /^dynamodb:/],
        [`<${keyId}.Arn>`, /^kms:/],
        [machineArn, /^states:(SendTaskSuccess|SendTaskFailure|StartExecution)$/],
        [`${machineArn.replace(':stateMachine:', ':execution:')}:*`, /^states:DescribeExecution$/],
        [`<${machineId}>`, /^states:StartExecution$/],
        [
          '*',
          ownTopic
            ? /^(xray:PutTraceSegments|xray:PutTelemetryRecords|sns:Publish)$/
            : /^xray:(PutTraceSegments|PutTelemetryRecords)$/,
        ],
      ]);
      if (ownTopic) allowed.set(resolve(ownTopic), /^sns:Publish$/);
      if (ownQueue) allowed.set(resolve(ownQueue), /^sqs:SendMessage$/);
      const granted: string[] = [];
      for (const [policyId, policy] of ofType('AWS::IAM::Policy')) {
        if (!JSON.stringify(policy.Properties!.Roles).includes(`"${roleId}"`)) continue;
        for (const st of statements(policy)) {
          expect(st.Effect, policyId).toBe('Allow');
          for (const resource of [st.Resource].flat().map(resolve)) {
            const pattern = allowed.get(resource);
            for (const action of [st.Action].flat()) {
              expect(pattern, `${props.Handler}: ${action} on ${resource}`).toBeDefined();
              expect(action, `${props.Handler} on ${resource}`).toMatch(pattern!);
              granted.push(action);
            }
          }
        }
      }
      const expected = may[props.Handler]!;
      const has = (re: RegExp) => granted.some((a) => re.test(a));
      expect({
        id: fnId,
        read: has(/^dynamodb:(GetItem|Query)$/),
        write: has(/^dynamodb:(PutItem|UpdateItem)$/),
        answerTokens: has(/^states:SendTask/),
        start: has(/^states:StartExecution$/),
        publish: has(/^sns:Publish$/),
      }).toEqual({ id: fnId, read: true, ...expected });
    }
    // The workflow invokes its task functions only; the schedules invoke the sweeper and the digest only.
    const roleOf = (roleArn: unknown) => resolve(roleArn).replace(/^<(.*)\.Arn>$/, '$1');
    const invokable = (roleId: string) =>
      ofType('AWS::IAM::Policy')
        .filter(([, p]) => JSON.stringify(p.Properties!.Roles).includes(`"${roleId}"`))
        .flatMap(([, p]) =>
          statements(p)
            .filter((st) => [st.Action].flat().includes('lambda:InvokeFunction'))
            .flatMap((st) => [st.Resource].flat().map(resolve)),
        );
    const arnsOf = (handlers: string[]) =>
      fns
        .filter(([, f]) => handlers.includes(String(f.Properties!.Handler)))
        .flatMap(([id]) => [`<${id}.Arn>`, `<${id}.Arn>:*`])
        .sort();
    expect(invokable(roleOf(machine.Properties!.RoleArn)).sort()).toEqual(
      arnsOf(Object.values(TASK_FUNCTIONS).map((h) => `index.${h}`)),
    );
    const scheduleRoles = new Set(
      ofType('AWS::Scheduler::Schedule').map(([, r]) => roleOf((r.Properties!.Target as { RoleArn: unknown }).RoleArn)),
    );
    expect(scheduleRoles.size).toBe(1);
    expect(invokable([...scheduleRoles][0]!).sort()).toEqual(arnsOf(['index.sweepHandler', 'index.digestHandler']));
  });

  it('encrypts the table, the topics, the queue, the logs and the workflow with the project key, not an AWS-managed one', () => {
    const keys = ofType('AWS::KMS::Key');
    expect(keys).toHaveLength(1);
    const projectKey = `<${keys[0]![0]}.Arn>`;
    const [, table] = ofType('AWS::DynamoDB::Table')[0]!;
    expect(resolve((table.Properties!.SSESpecification as { KMSMasterKeyId: unknown }).KMSMasterKeyId)).toBe(
      projectKey,
    );
    const encrypted = [...ofType('AWS::SNS::Topic'), ...ofType('AWS::SQS::Queue')];
    expect(encrypted.map(([, r]) => r.Type).sort()).toEqual(['AWS::SNS::Topic', 'AWS::SNS::Topic', 'AWS::SQS::Queue']);
    for (const [id, r] of encrypted) expect(resolve(r.Properties!.KmsMasterKeyId), id).toBe(projectKey);
    for (const [id, r] of ofType('AWS::Logs::LogGroup')) expect(resolve(r.Properties!.KmsKeyId), id).toBe(projectKey);
    for (const [id, r] of ofType('AWS::StepFunctions::StateMachine'))
      expect(resolve((r.Properties!.EncryptionConfiguration as { KmsKeyId: unknown }).KmsKeyId), id).toBe(projectKey);
    for (const [id, r] of ofType('AWS::Lambda::Function').filter(([, f]) =>
      String(f.Properties?.Description ?? '').startsWith('dunghan'),
    )) {
      expect(resolve(r.Properties!.KmsKeyArn), id).toBe(projectKey);
    }
  });

  it('lets no unsigned request reach the API function: IAM or a verified ID token on every method, no other way in', () => {
    for (const type of ['AWS::Lambda::Url', 'AWS::ApiGateway::ApiKey', 'AWS::ApiGatewayV2::Api'])
      expect(ofType(type), type).toEqual([]);
    const authorizers = ofType('AWS::ApiGateway::Authorizer');
    const [poolId] = ofType('AWS::Cognito::UserPool')[0]!;
    expect(authorizers.map(([, a]) => a.Properties)).toEqual([
      expect.objectContaining({
        Type: 'COGNITO_USER_POOLS',
        IdentitySource: 'method.request.header.Authorization',
        ProviderARNs: [{ 'Fn::GetAtt': [poolId, 'Arn'] }],
      }),
    ]);
    const [apiId, api] = ofType('AWS::ApiGateway::RestApi')[0]!;
    expect(api.Properties!.Policy).toBeUndefined(); // no resource policy opening it to anyone
    for (const [id, m] of ofType('AWS::ApiGateway::Method'))
      expect(['AWS_IAM', 'COGNITO_USER_POOLS'], id).toContain(m.Properties!.AuthorizationType);
    const ingestId = ofType('AWS::Lambda::Function').find(([, f]) =>
      String(f.Properties?.Description ?? '').startsWith('dunghan: POST /events'),
    )![0];
    const permissions = ofType('AWS::Lambda::Permission').filter(
      ([, p]) => resolve(p.Properties!.FunctionName) === `<${ingestId}.Arn>`,
    );
    expect(permissions.length).toBeGreaterThan(0);
    for (const [id, p] of permissions) {
      expect(p.Properties!.Principal, id).toBe('apigateway.amazonaws.com');
      expect(resolve(p.Properties!.SourceArn), id).toMatch(
        new RegExp(`^arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>/`),
      );
    }
  });

  it("serves the national portal's feed beside /events: same function, IAM, validator and body model kind", () => {
    const paths = new Map<string, string>();
    const pathOf = (id: string): string => {
      const known = paths.get(id);
      if (known !== undefined) return known;
      const r = resources[id]!.Properties!;
      const parent = resolve(r.ParentId);
      const path = `${parent.startsWith('<') && resources[parent.slice(1, -1)] ? pathOf(parent.slice(1, -1)) : ''}/${r.PathPart}`;
      paths.set(id, path);
      return path;
    };
    const methods = ofType('AWS::ApiGateway::Method').map(([, m]) => ({
      path: pathOf(resolve(m.Properties!.ResourceId).slice(1, -1)),
      m: m.Properties!,
    }));
    const byPath = new Map(methods.map((x) => [`${x.m.HttpMethod} ${x.path}`, x.m]));
    expect([...byPath.keys()].filter((k) => k.startsWith('POST /dvcqg/') || k === 'POST /events').sort()).toEqual([
      'POST /dvcqg/CapNhatTienDoHoSoMC',
      'POST /dvcqg/DongBoHoSoMC',
      'POST /events',
    ]);
    const events = byPath.get('POST /events')!;
    for (const route of DVCQG_SERVICES.map((service) => `POST /dvcqg/${service}`)) {
      const m = byPath.get(route)!;
      expect(m.AuthorizationType, route).toBe('AWS_IAM');
      expect(resolve(m.RequestValidatorId), route).toBe(resolve(events.RequestValidatorId));
      expect(resolve((m.Integration as { Uri: unknown }).Uri), route).toBe(
        resolve((events.Integration as { Uri: unknown }).Uri),
      );
    }
    const models = ofType('AWS::ApiGateway::Model').map(
      ([, m]) => m.Properties!.Schema as { title: string; type: unknown },
    );
    expect(models.find((m) => m.title === 'dunghanDvcqgFeed')?.type).toEqual(['object', 'array']);
  });

  it('keeps a user pool only administrators fill, whose users cannot change their unit or role', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OPTIONAL',
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'unitId', AttributeDataType: 'String', Mutable: true }),
        Match.objectLike({ Name: 'role', AttributeDataType: 'String', Mutable: true }),
      ]),
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12 }) },
    });
    const [, client] = ofType('AWS::Cognito::UserPoolClient')[0]!;
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      ReadAttributes: expect.arrayContaining(['custom:unitId', 'custom:role']),
    });
    expect(JSON.stringify(client.Properties!.WriteAttributes ?? [])).not.toContain('custom:');
  });

  it('serves the dashboard from a private bucket that only its CloudFront distribution reads (origin access control)', () => {
    const [distributionId, distribution] = ofType('AWS::CloudFront::Distribution')[0]!;
    type Origin = { DomainName: unknown; S3OriginConfig?: unknown; OriginAccessControlId?: unknown };
    type Behavior = { PathPattern: string; CachePolicyId: string };
    const config = distribution.Properties!.DistributionConfig as {
      Origins: Origin[];
      CacheBehaviors: Behavior[];
      DefaultCacheBehavior: { ViewerProtocolPolicy: string };
    };
    const siteOrigin = config.Origins.find((o) => o.S3OriginConfig)!;
    expect(siteOrigin.OriginAccessControlId).toBeDefined();
    expect(siteOrigin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    const siteBucketId = resolve(siteOrigin.DomainName).match(/^<(.+)\.RegionalDomainName>$/)![1]!;
    expect(resources[siteBucketId]!.Properties!.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const policy = ofType('AWS::S3::BucketPolicy').find(
      ([, p]) => resolve(p.Properties!.Bucket) === `<${siteBucketId}>`,
    )!;
    const allows = statements(policy[1]).filter((st) => st.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      }),
    ]);
    expect(JSON.stringify(allows[0]!)).toContain(distributionId);
    // The API's people's routes on the same origin, never cached (the ID token is forwarded).
    const paths = config.CacheBehaviors.map((b) => b.PathPattern).sort();
    expect(paths).toEqual(['dossiers', 'dossiers/*', 'reports/*']);
    for (const b of config.CacheBehaviors)
      expect(b.CachePolicyId, b.PathPattern).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    // The sign-in returns to the distribution's address.
    const [, client] = ofType('AWS::Cognito::UserPoolClient')[0]!;
    expect(resolve((client.Properties!.CallbackURLs as unknown[])[0])).toBe(`https://<${distributionId}.DomainName>/`);
  });

  it('outputs the API URL, table name, state machine ARN and topic ARN', () => {
    expect(Object.keys(template.toJSON().Outputs)).toEqual(
      expect.arrayContaining(['ApiUrl', 'TableName', 'StateMachineArn', 'EscalationTopicArn']),
    );
  });
});
