import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import { DynamoStore } from '../adapters/dynamodb/store.ts';
import { SfnCallbacks, SfnExecutions } from '../adapters/sfn.ts';
import { SnsNotifier } from '../adapters/sns.ts';
import type { Deps } from '../app/ports.ts';
import { UNIT_CACHE_MS } from '../app/timing.ts';
import type { HandlerRuntime } from '../handlers/runtime.ts';
import { loadCalendar, loadCatalogue, loadFeedSettings, loadPolicy } from '../reference/data.ts';
import { describeZodError } from '../schemas/errors.ts';

/**
 * The composition root of the Lambda functions: the AWS adapters behind the application's ports.
 * Configuration is parsed once, at the first invocation, and is loud when something is missing.
 */
const EnvSchema = z.object({
  TABLE_NAME: z.string().min(1),
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  PROVINCE_ID: z.string().min(1).default('vn-default'),
  CATALOGUE_ID: z.string().min(1).default('vn-sample'),
  POLICY_ID: z.string().min(1).default('vn-default'),
  FEED_ID: z.string().min(1).default('vn-default'),
  ESCALATION_TOPIC_ARN: z.string().min(1).optional(),
  SMS_SENDER_ID: z.string().max(11).optional(),
});

// Clients and observability once per process; their configuration comes from the Lambda environment
// (POWERTOOLS_SERVICE_NAME, the X-Ray daemon), so creating them reads no dunghan variable.
const logger = new Logger({ serviceName: 'dunghan' });
const tracer = new Tracer({ serviceName: 'dunghan' });

let deps: Deps | undefined;

/** The AWS adapters, built on first use (importing a handler module never reads the environment). */
export function awsDeps(): Deps {
  if (deps) return deps;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) throw new Error(`configuration: ${describeZodError(parsed.error)}`);
  const env = parsed.data;
  const sfn = tracer.captureAWSv3Client(new SFNClient({}));
  const sfnExecutions = () => {
    if (!env.STATE_MACHINE_ARN) throw new Error('configuration: STATE_MACHINE_ARN is not set for this function');
    return new SfnExecutions(sfn, env.STATE_MACHINE_ARN);
  };
  const store = new DynamoStore(env.TABLE_NAME);
  tracer.captureAWSv3Client(store.table.doc);
  const built: Deps = {
    store,
    callbacks: new SfnCallbacks(sfn),
    executions: {
      start: (dossierId, attempt) => sfnExecutions().start(dossierId, attempt),
      status: (dossierId, attempt) => sfnExecutions().status(dossierId, attempt),
    },
    // The adapter owns SMS retries (backoff, then the workflow's): no second retry layer in the client.
    notifier: new SnsNotifier(tracer.captureAWSv3Client(new SNSClient({ maxAttempts: 1 })), {
      ...(env.SMS_SENDER_ID ? { senderId: env.SMS_SENDER_ID } : {}),
      ...(env.ESCALATION_TOPIC_ARN ? { escalationTopicArn: env.ESCALATION_TOPIC_ARN } : {}),
    }),
    calendar: loadCalendar(env.PROVINCE_ID),
    catalogue: loadCatalogue(env.CATALOGUE_ID),
    policy: loadPolicy(env.POLICY_ID),
    feed: loadFeedSettings(env.FEED_ID),
    now: () => Date.now(),
    logger,
    unitCache: new Map(),
    unitList: null,
    unitCacheMs: UNIT_CACHE_MS,
  };
  deps = built;
  return built;
}

export const awsRuntime: HandlerRuntime = { logger, tracer, deps: awsDeps };
