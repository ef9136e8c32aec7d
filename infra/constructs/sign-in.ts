import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface SignInProps {
  /**
   * Development only: the user pool is destroyed with the stack.
   * @default false (RETAIN: the province's users outlive a redeploy)
   */
  devDestroyData?: boolean;
  /** @default `dunghan-<account>`: the hosted sign-in's domain, https://<prefix>.auth.<region>.amazoncognito.com */
  domainPrefix?: string;
}

/**
 * Sign-in for the province's people: an Amazon Cognito user pool with its hosted sign-in. Each user carries the unit
 * they answer for (`custom:unitId`) and a role (`custom:role`: viewer, head, province); only administrators set them
 * (no self sign-up, and the app client cannot write them). MFA is optional (heads read SMS on their phones; a head
 * may turn on an authenticator app), threat protection on. The dashboard signs in with the OAuth 2 code flow and PKCE.
 */
export class SignIn extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: SignInProps = {}) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'users', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      customAttributes: {
        unitId: new cognito.StringAttribute({ minLen: 1, maxLen: 80, mutable: true }),
        role: new cognito.StringAttribute({ minLen: 4, maxLen: 8, mutable: true }),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: !props.devDestroyData,
      removalPolicy: props.devDestroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.domain = this.userPool.addDomain('hosted', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `dunghan-${Stack.of(this).account}` },
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
  }

  /** The dashboard's public client: code flow with PKCE, ID tokens carrying the unit and the role. */
  addDashboardClient(callbackUrl: string): cognito.UserPoolClient {
    return this.userPool.addClient('dashboard', {
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [callbackUrl],
        logoutUrls: [callbackUrl],
      },
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true })
        .withCustomAttributes('unitId', 'role'),
      // Users may not write their own unit or role.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({}),
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      preventUserExistenceErrors: true,
    });
  }
}
