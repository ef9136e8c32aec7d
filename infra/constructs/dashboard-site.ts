import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CfnElement, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';

/** The dashboard's built files (`npm run build` writes them; `npm ci` runs the build). */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../dist/dashboard', import.meta.url));

export interface DashboardSiteProps {
  api: apigw.RestApi;
  /** @default false (production: the buckets are kept) */
  devDestroyData?: boolean;
  /** @default DASHBOARD_DIST */
  dashboardDir?: string;
}

/**
 * The dashboard as a static site: a private S3 bucket read only by CloudFront through origin access control, security
 * headers, HTTPS only, access logs. The API is a second origin of the same distribution (its people's routes), so the
 * dashboard calls it on its own origin, with no CORS: the ID token goes through (caching is off on those paths).
 */
export class DashboardSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly logs: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly url: string;

  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    const dev = props.devDestroyData ?? false;
    const kept = dev
      ? { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true }
      : { removalPolicy: RemovalPolicy.RETAIN };
    this.logs = new s3.Bucket(this, 'logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are delivered with an ACL.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      ...kept,
    });
    this.bucket = new s3.Bucket(this, 'site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 'site/',
      ...kept,
    });
    const api = new origins.RestApiOrigin(props.api);
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: api,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // With caching off, this policy forwards the Authorization header (the ID token) and the query.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
    this.distribution = new cloudfront.Distribution(this, 'cdn', {
      comment: 'dunghan dashboard',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      additionalBehaviors: { 'reports/*': apiBehavior, dossiers: apiBehavior, 'dossiers/*': apiBehavior },
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cdn/',
    });
    this.url = `https://${this.distribution.distributionDomainName}/`;
  }

  /** Uploads the dashboard with its config (the hosted sign-in and the app client), and refreshes the cache. */
  deploy(
    signIn: { domain: cognito.UserPoolDomain; client: cognito.UserPoolClient },
    dashboardDir = DASHBOARD_DIST,
  ): void {
    if (!existsSync(dashboardDir))
      throw new Error(`the dashboard is not built (${dashboardDir} is missing): run \`npm run build\``);
    new s3deploy.BucketDeployment(this, 'files', {
      destinationBucket: this.bucket,
      distribution: this.distribution,
      sources: [
        s3deploy.Source.asset(dashboardDir),
        s3deploy.Source.jsonData('config.json', {
          auth: 'cognito',
          domain: `${signIn.domain.domainName}.auth.${Stack.of(this).region}.amazoncognito.com`,
          clientId: signIn.client.userPoolClientId,
          redirectUri: this.url,
        }),
      ],
    });
    this.acknowledgeNagFindings();
  }

  /** cdk-nag findings accepted here, each with its reason (the site's own, and CDK's deployment function's). */
  private acknowledgeNagFindings(): void {
    const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
    ack(
      this.distribution,
      'AwsSolutions-CFR1',
      'No geo restriction: heads of units travel, and the sign-in is what keeps others out of the data.',
    );
    ack(
      this.distribution,
      'AwsSolutions-CFR2',
      'No web ACL yet: every data path needs a verified Cognito ID token behind API throttling; add WAF with wider exposure.',
    );
    ack(
      this.distribution,
      'AwsSolutions-CFR4',
      'The default CloudFront domain (no custom certificate) cannot set the minimum TLS version; set one with a custom domain.',
    );
    // CDK's singleton function that copies the dashboard's files into the bucket at deploy time.
    const stack = Stack.of(this);
    // As cdk-nag prints it: a region or account given at synth (the CLI's default environment) is literal.
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const copier = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!copier) return;
    ack(
      copier,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "CDK's deployment function writes its own logs with the AWS-managed minimum; it reads no dossier data.",
    );
    for (const finding of [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${account}-${region}/*`,
      `Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/*`,
      'Resource::*',
    ])
      ack(
        copier,
        `AwsSolutions-IAM5[${finding}]`,
        "CDK's deployment function copies the built dashboard from the CDK asset bucket into the site bucket and invalidates the CDN: object-level actions on those two buckets, and cloudfront:CreateInvalidation which has no narrower resource.",
      );
    ack(
      copier,
      'AwsSolutions-L1',
      "The runtime of CDK's own deployment function is chosen by aws-cdk-lib; it moves with it.",
    );
  }
}
