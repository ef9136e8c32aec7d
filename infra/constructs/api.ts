import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DunghanFunction } from './function.ts';

export interface IntakeApiProps {
  table: ITable;
  key: IKey;
  stateMachineArn: string;
  /** The users of the read and action routes (their ID tokens, verified by API Gateway). */
  userPool: cognito.IUserPool;
  /** @default 50 requests per second, bursts of 100 */
  rateLimit?: number;
  burstLimit?: number;
}

/**
 * The API: REST; the machine routes (POST /events, the national portal's feed /dvcqg/*, docs/law.md §7) with IAM
 * (SigV4); the people's read and action routes with a Cognito user pool authorizer (API Gateway verifies the ID token
 * on every call); request validation, throttling, access logs (no bodies: they hold names and phone numbers), X-Ray.
 * One function behind it.
 */
export class IntakeApi extends Construct {
  readonly api: apigw.RestApi;
  readonly ingest: DunghanFunction;

  constructor(scope: Construct, id: string, props: IntakeApiProps) {
    super(scope, id);
    this.ingest = new DunghanFunction(this, 'ingest', {
      entry: 'functions/main/api.ts',
      handler: 'handler',
      description: 'dunghan: POST /events, POST /dvcqg/{DongBoHoSoMC,CapNhatTienDoHoSoMC}; reports, dossiers, actions',
      key: props.key,
    })
      .bindTable(props.table, 'readWrite')
      .bindTaskResponses(props.stateMachineArn);
    this.ingest.addEnvironment('STATE_MACHINE_ARN', props.stateMachineArn);

    const accessLogs = new logs.LogGroup(this, 'access-logs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      encryptionKey: props.key,
    });
    this.api = new apigw.RestApi(this, 'api', {
      description: 'dunghan intake: dossier events from iGate and the national portal',
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: props.rateLimit ?? 50,
        throttlingBurstLimit: props.burstLimit ?? 100,
        tracingEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
      },
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
    });
    const integration = new apigw.LambdaIntegration(this.ingest);
    const eventModel = this.api.addModel('event', {
      contentType: 'application/json',
      schema: {
        schema: apigw.JsonSchemaVersion.DRAFT4,
        title: 'dunghanEvent',
        type: apigw.JsonSchemaType.OBJECT,
        // The full contract is checked by the handler (zod, field-level reasons); the gateway refuses
        // what is not even an event.
        required: ['eventId', 'type', 'at'],
        properties: {
          eventId: { type: apigw.JsonSchemaType.STRING, minLength: 1, maxLength: 128 },
          type: { type: apigw.JsonSchemaType.STRING, maxLength: 40 },
          at: { type: apigw.JsonSchemaType.STRING, maxLength: 40 },
        },
      },
    });
    const requestValidator = new apigw.RequestValidator(this, 'validator', {
      restApi: this.api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.api.root
      .addResource('events')
      .addMethod('POST', integration, { requestValidator, requestModels: { 'application/json': eventModel } });
    // The portal's feed: its envelope or a bare array of items; the handler reads each item.
    const feedModel = this.api.addModel('dvcqg-feed', {
      contentType: 'application/json',
      schema: {
        schema: apigw.JsonSchemaVersion.DRAFT4,
        title: 'dunghanDvcqgFeed',
        type: [apigw.JsonSchemaType.OBJECT, apigw.JsonSchemaType.ARRAY],
      },
    });
    const dvcqg = this.api.root.addResource('dvcqg');
    // The services of functions/schemas/dvcqg.ts (the infra test checks they are the same).
    for (const service of ['DongBoHoSoMC', 'CapNhatTienDoHoSoMC'])
      dvcqg
        .addResource(service)
        .addMethod('POST', integration, { requestValidator, requestModels: { 'application/json': feedModel } });
    // The people's routes: the signed-in user's unit and role come from the verified token's claims.
    const users = {
      authorizer: new apigw.CognitoUserPoolsAuthorizer(this, 'users', { cognitoUserPools: [props.userPool] }),
      authorizationType: apigw.AuthorizationType.COGNITO,
      requestValidator,
    };
    const pathId = { 'method.request.path.id': true };
    this.api.root.addResource('reports').addResource('units').addMethod('GET', integration, users);
    const dossiers = this.api.root.addResource('dossiers');
    dossiers.addMethod('GET', integration, users);
    const dossier = dossiers.addResource('{id}');
    dossier.addMethod('GET', integration, { ...users, requestParameters: pathId });
    dossier.addResource('apology').addMethod('POST', integration, { ...users, requestParameters: pathId });
    dossier.addResource('acknowledgements').addMethod('POST', integration, { ...users, requestParameters: pathId });
  }
}
