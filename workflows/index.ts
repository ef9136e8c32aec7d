import definition from './dossier-path.asl.json' with { type: 'json' };

/**
 * The dossier-path workflow as the two runtimes load it. Each `${…}` placeholder in the ASL names a
 * Lambda function; TASK_FUNCTIONS maps it to the export of functions/main/tasks.ts that implements it.
 * CDK passes the deployed ARNs as definitionSubstitutions; the local engine binds each Task state to
 * the same handler in process.
 */
export const DOSSIER_PATH_ASL: string = JSON.stringify(definition);

export const TASK_FUNCTIONS = {
  PlanFunctionArn: 'planHandler',
  StartStageFunctionArn: 'startStageHandler',
  RegisterWaitFunctionArn: 'registerWaitHandler',
  EndStageFunctionArn: 'endStageHandler',
  CheckpointFunctionArn: 'checkpointHandler',
  NotifyFunctionArn: 'notifyHandler',
  FinalizeFunctionArn: 'finalizeHandler',
} as const;

export type TaskFunction = keyof typeof TASK_FUNCTIONS;

/** Every `${Name}` placeholder in a definition. */
export function placeholders(asl: string): string[] {
  return [...new Set([...asl.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!))].sort();
}

/** Replaces each `${Name}`; an unknown placeholder is an error, never left in place. */
export function substitute(asl: string, values: Readonly<Record<string, string>>): string {
  return asl.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no substitution for \${${name}}`);
    return v;
  });
}

export interface TaskStateBinding {
  stateName: string;
  fn: TaskFunction;
  waitForTaskToken: boolean;
}

/** Every Task state (nested ones included) and the function it invokes. */
export function taskStates(asl: string = DOSSIER_PATH_ASL): TaskStateBinding[] {
  const out: TaskStateBinding[] = [];
  const walk = (states: Record<string, Record<string, unknown>>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') {
        const fnName = ((state.Parameters as { FunctionName?: string } | undefined)?.FunctionName ?? '').replace(
          /^\$\{|\}$/g,
          '',
        );
        out.push({
          stateName: name,
          fn: fnName as TaskFunction,
          waitForTaskToken: String(state.Resource).endsWith('.waitForTaskToken'),
        });
      }
      const processor = (state.ItemProcessor ?? state.Iterator) as
        | { States?: Record<string, Record<string, unknown>> }
        | undefined;
      if (processor?.States) walk(processor.States);
      for (const branch of (state.Branches as { States: Record<string, Record<string, unknown>> }[] | undefined) ?? [])
        walk(branch.States);
    }
  };
  walk((JSON.parse(asl) as { States: Record<string, Record<string, unknown>> }).States);
  return out;
}
