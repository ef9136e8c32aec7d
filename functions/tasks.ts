import { z } from 'zod';
import { awsDeps } from './adapters/aws.ts';
import { checkpoint, digest, finalize, notifyStep, plan, registerWait, startStage, sweep } from './app/tasks.ts';
import { taskHandler } from './app/task-handler.ts';
import { IdSchema } from './schemas/events.ts';

/**
 * The Lambda functions behind the Task states of workflows/dossier-path.asl.json, one export each
 * (bundled separately by CDK). Payloads carry ids only.
 */
const dossier = { dossierId: IdSchema };

export const makePlan = taskHandler(z.object(dossier).strict(), (deps, i) => plan(deps, i.dossierId));
export const makeStartStage = taskHandler(z.object({ ...dossier, stage: z.number().int().min(0) }).strict(), (deps, i) =>
  startStage(deps, i.dossierId, i.stage),
);
export const makeRegisterWait = taskHandler(
  z.object({ ...dossier, stepId: IdSchema, token: z.string().min(1), timeoutSeconds: z.number().int().positive() }).strict(),
  (deps, i) => registerWait(deps, i.dossierId, i.stepId, i.token, i.timeoutSeconds),
);
export const makeCheckpoint = taskHandler(z.object({ ...dossier, stepId: IdSchema }).strict(), (deps, i) =>
  checkpoint(deps, i.dossierId, i.stepId),
);
export const makeNotify = taskHandler(
  z.object({ ...dossier, noticeIds: z.array(z.string().min(1)).max(50), timeoutSeconds: z.number().int().positive().optional() }).strict(),
  (deps, i) => notifyStep(deps, i.dossierId, i.noticeIds, i.timeoutSeconds),
);
export const makeFinalize = taskHandler(z.object(dossier).strict(), (deps, i) => finalize(deps, i.dossierId));

/** The daily digest, on a schedule (EventBridge Scheduler on AWS, the simulated clock locally). */
export const makeDigest = taskHandler(z.looseObject({}), (deps) => digest(deps));
/** The sweeper, every 15 minutes: restarts executions that died, sends notices left unsent, repairs overdue dossiers with no notice. */
export const makeSweep = taskHandler(z.looseObject({}), (deps) => sweep(deps));

export const planHandler = makePlan(awsDeps);
export const startStageHandler = makeStartStage(awsDeps);
export const registerWaitHandler = makeRegisterWait(awsDeps);
export const checkpointHandler = makeCheckpoint(awsDeps);
export const notifyHandler = makeNotify(awsDeps);
export const finalizeHandler = makeFinalize(awsDeps);
export const digestHandler = makeDigest(awsDeps);
export const sweepHandler = makeSweep(awsDeps);
