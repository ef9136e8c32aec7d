import { makeDeliveryStatus } from '../handlers/delivery.ts';
import { makeDigest, makeSweep, workflowTaskHandlers } from '../handlers/tasks.ts';
import { awsRuntime } from './aws.ts';

/**
 * The Lambda functions behind the Task states of workflows/dossier-path.asl.json, one export each
 * (bundled separately by CDK; workflows/index.ts names them), the two scheduled functions, and the
 * subscription on SNS's SMS delivery status logs.
 */
const tasks = workflowTaskHandlers(awsRuntime);

export const planHandler = tasks.PlanFunctionArn;
export const startStageHandler = tasks.StartStageFunctionArn;
export const registerWaitHandler = tasks.RegisterWaitFunctionArn;
export const endStageHandler = tasks.EndStageFunctionArn;
export const checkpointHandler = tasks.CheckpointFunctionArn;
export const notifyHandler = tasks.NotifyFunctionArn;
export const finalizeHandler = tasks.FinalizeFunctionArn;
export const digestHandler = makeDigest(awsRuntime);
export const sweepHandler = makeSweep(awsRuntime);
export const deliveryStatusHandler = makeDeliveryStatus(awsRuntime);
