import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DunghanStack } from './stack.ts';

/** The CDK app (`npx cdk synth`, `npx cdk deploy`): one stack, checked by cdk-nag's AwsSolutions pack. */
export function buildApp(app: App = new App()): { app: App; stack: DunghanStack } {
  const devDestroyData = [true, 'true'].includes(app.node.tryGetContext('dunghan:devDestroyData'));
  const stack = new DunghanStack(app, String(app.node.tryGetContext('dunghan:stackName') ?? 'Dunghan'), {
    devDestroyData,
    description: 'dunghan: statutory deadlines of administrative dossiers, apologies and escalations',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
