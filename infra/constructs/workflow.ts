import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DOSSIER_PATH_ASL, TASK_FUNCTIONS, type TaskFunction } from '../../workflows/index.ts';
import { DunghanFunction } from './function.ts';

export interface DossierWorkflowProps {
  table: ITable;
  key: IKey;
  topic: ITopic;
  senderId: string;
}

/**
 * The dossier-path Standard state machine from workflows/dossier-path.asl.json (inline, every
 * placeholder substituted) and the Lambda functions behind its Task states.
 */
export class DossierWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: Record<TaskFunction, DunghanFunction>;
  /** Derived from the stack name so that functions can be granted task responses by exact ARN. */
  readonly stateMachineArn: string;

  constructor(scope: Construct, id: string, props: DossierWorkflowProps) {
    super(scope, id);
    const name = `${Stack.of(this).stackName}-dossier-path`;
    this.stateMachineArn = DunghanFunction.stateMachineArn(this, name);
    const descriptions: Record<TaskFunction, string> = {
      PlanFunctionArn: 'dunghan: the stages of a dossier',
      StartStageFunctionArn: 'dunghan: open steps of a stage and their first checkpoint',
      RegisterWaitFunctionArn:
        "dunghan: register a step's task token while the step is open; park a stage's long waits",
      EndStageFunctionArn: "dunghan: a stage's waits ended: next stage, park the dossier or wait again",
      CheckpointFunctionArn: 'dunghan: apply the escalation policy at a checkpoint',
      NotifyFunctionArn: 'dunghan: send notices (SMS, escalation topic)',
      FinalizeFunctionArn: 'dunghan: record the outcome',
    };
    const fns = {} as Record<TaskFunction, DunghanFunction>;
    for (const [placeholder, exportName] of Object.entries(TASK_FUNCTIONS) as [TaskFunction, string][]) {
      const fn = new DunghanFunction(this, placeholder.replace(/FunctionArn$/, ''), {
        handler: exportName,
        description: descriptions[placeholder],
        key: props.key,
      });
      fn.bindTable(
        props.table,
        placeholder === 'PlanFunctionArn' || placeholder === 'StartStageFunctionArn' ? 'read' : 'readWrite',
      );
      fns[placeholder] = fn;
    }
    // A wait answers itself when its step is already closed, and the stage's waits when it parks them; Notify records a dunghan apology, which
    // makes open steps re-check (SendTaskFailure Dunghan.Recheck).
    fns.RegisterWaitFunctionArn.bindTaskResponses(this.stateMachineArn);
    fns.NotifyFunctionArn.bindTaskResponses(this.stateMachineArn).bindNotifications(props.topic, props.senderId);
    this.functions = fns;

    const logGroup = new logs.LogGroup(this, 'logs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      encryptionKey: props.key,
    });
    this.stateMachine = new sfn.StateMachine(this, 'dossier-path', {
      stateMachineName: name,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(DOSSIER_PATH_ASL),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(fns).map(([placeholder, fn]) => [placeholder, fn.functionArn]),
      ),
      // No personal data in logs: errors only, without execution data (input is ids anyway).
      logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
      tracingEnabled: true,
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(props.key, Duration.minutes(5)),
    });
    for (const fn of Object.values(fns)) fn.grantInvoke(this.stateMachine);
  }
}
