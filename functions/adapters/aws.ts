import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { loadCalendar, loadCatalogue, loadPolicy } from '../reference/data.ts';
import { describeZodError } from '../schemas/errors.ts';
import type { Deps } from '../app/deps.ts';
import { SnsNotifier } from './sns.ts';
import { Store } from './store.ts';
import { SfnCallbacks, SfnExecutions } from './workflow.ts';

/** Configuration of the Lambda functions: parsed once at cold start, loud when something is missing. */
const EnvSchema = z.object({
  TABLE_NAME: z.string().min(1),
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  PROVINCE_ID: z.string().min(1).default('vn-default'),
  CATALOGUE_ID: z.string().min(1).default('vn-sample'),
  POLICY_ID: z.string().min(1).default('vn-default'),
  ESCALATION_TOPIC_ARN: z.string().min(1).optional(),
  SMS_SENDER_ID: z.string().max(11).optional(),
});

let deps: Deps | undefined;

/** The AWS adapters, built on first use (importing a handler module never reads the environment). */
export function awsDeps(): Deps {
  if (deps) return deps;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) throw new Error(`configuration: ${describeZodError(parsed.error)}`);
  const env = parsed.data;
  const sfn = new SFNClient({});
  const sfnExecutions = () => {
    if (!env.STATE_MACHINE_ARN) throw new Error('configuration: STATE_MACHINE_ARN is not set for this function');
    return new SfnExecutions(sfn, env.STATE_MACHINE_ARN);
  };
  deps = {
    store: new Store(env.TABLE_NAME),
    callbacks: new SfnCallbacks(sfn),
    executions: {
      start: (dossierId, attempt) => sfnExecutions().start(dossierId, attempt),
      status: (dossierId, attempt) => sfnExecutions().status(dossierId, attempt),
    },
    // The adapter owns SMS retries (backoff, then the workflow's): no second retry layer in the client.
    notifier: new SnsNotifier(new SNSClient({ maxAttempts: 1 }), {
      ...(env.SMS_SENDER_ID ? { senderId: env.SMS_SENDER_ID } : {}),
      ...(env.ESCALATION_TOPIC_ARN ? { escalationTopicArn: env.ESCALATION_TOPIC_ARN } : {}),
    }),
    calendar: loadCalendar(env.PROVINCE_ID),
    catalogue: loadCatalogue(env.CATALOGUE_ID),
    policy: loadPolicy(env.POLICY_ID),
    now: () => Date.now(),
    logger: new Logger({ serviceName: 'dunghan' }),
    unitCache: new Map(),
  };
  return deps;
}
