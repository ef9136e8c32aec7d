import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { digest } from '../app/notices/digest.ts';
import { notifyStep } from '../app/notices/notify.ts';
import type { Deps } from '../app/ports.ts';
import { sweep } from '../app/sweeper.ts';
import { checkpoint } from '../app/workflow/checkpoint.ts';
import { finalize } from '../app/workflow/finalize.ts';
import { endStage } from '../app/workflow/park.ts';
import { plan, startStage } from '../app/workflow/plan.ts';
import { registerWait } from '../app/workflow/wait.ts';
import { IdSchema } from '../schemas/events.ts';
import { type HandlerRuntime, observed } from './runtime.ts';
import { workflowErrors } from './task-errors.ts';

/**
 * The handlers behind the Task states of workflows/dossier-path.asl.json, and the scheduled digest and
 * sweeper: each validates its payload (ids only) with the Powertools parser, runs its service and maps
 * errors to the workflow's names. The local engine calls the very same handlers.
 */
function taskHandler<S extends z.ZodType, R>(
  runtime: HandlerRuntime,
  schema: S,
  run: (deps: Deps, input: z.output<S>) => Promise<R>,
) {
  return observed(runtime, middy<z.output<S>, R>())
    .use(parser({ schema }))
    .use(workflowErrors())
    .handler((input) => run(runtime.deps(), input));
}

const dossier = { dossierId: IdSchema };

export const makePlan = (rt: HandlerRuntime) =>
  taskHandler(rt, z.object(dossier).strict(), (deps, i) => plan(deps, i.dossierId));
export const makeStartStage = (rt: HandlerRuntime) =>
  taskHandler(rt, z.object({ ...dossier, stage: z.number().int().min(0) }).strict(), (deps, i) =>
    startStage(deps, i.dossierId, i.stage),
  );
export const makeRegisterWait = (rt: HandlerRuntime) =>
  taskHandler(
    rt,
    z
      .object({
        ...dossier,
        stepId: IdSchema,
        token: z.string().min(1),
        timeoutSeconds: z.number().int().positive(),
        // The steps of the stage waiting together (a stage parks when all their waits are long).
        stageSteps: z.array(IdSchema).min(1).max(50).optional(),
      })
      .strict(),
    (deps, i) => registerWait(deps, i.dossierId, i.stepId, i.token, i.timeoutSeconds, i.stageSteps),
  );
export const makeEndStage = (rt: HandlerRuntime) =>
  taskHandler(rt, z.object({ ...dossier, stage: z.number().int().min(0) }).strict(), (deps, i) =>
    endStage(deps, i.dossierId, i.stage),
  );
export const makeCheckpoint = (rt: HandlerRuntime) =>
  taskHandler(rt, z.object({ ...dossier, stepId: IdSchema }).strict(), (deps, i) =>
    checkpoint(deps, i.dossierId, i.stepId),
  );
export const makeNotify = (rt: HandlerRuntime) =>
  taskHandler(
    rt,
    z
      .object({
        ...dossier,
        noticeIds: z.array(z.string().min(1)).max(50),
        timeoutSeconds: z.number().int().positive().optional(),
      })
      .strict(),
    (deps, i) => notifyStep(deps, i.dossierId, i.noticeIds, i.timeoutSeconds),
  );
export const makeFinalize = (rt: HandlerRuntime) =>
  taskHandler(rt, z.object(dossier).strict(), (deps, i) => finalize(deps, i.dossierId));

/** The daily digest, on a schedule (EventBridge Scheduler on AWS, the stack's clock locally). */
export const makeDigest = (rt: HandlerRuntime) => taskHandler(rt, z.looseObject({}), (deps) => digest(deps));
/** The sweeper, every 15 minutes: restarts dead executions, sends notices left unsent, repairs overdue dossiers. */
export const makeSweep = (rt: HandlerRuntime) => taskHandler(rt, z.looseObject({}), (deps) => sweep(deps));

/** The workflow's Task functions by their placeholder in the ASL (workflows/index.ts). */
export const workflowTaskHandlers = (rt: HandlerRuntime) => ({
  PlanFunctionArn: makePlan(rt),
  StartStageFunctionArn: makeStartStage(rt),
  RegisterWaitFunctionArn: makeRegisterWait(rt),
  EndStageFunctionArn: makeEndStage(rt),
  CheckpointFunctionArn: makeCheckpoint(rt),
  NotifyFunctionArn: makeNotify(rt),
  FinalizeFunctionArn: makeFinalize(rt),
});
