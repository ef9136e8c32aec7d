import { readdirSync, readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import * as tasks from '../../functions/main/tasks.ts';
import { DOSSIER_PATH_ASL, placeholders, TASK_FUNCTIONS, taskStates } from '../../workflows/index.ts';

describe('workflow wiring', () => {
  it('every placeholder in the ASL has a substitution, and every substitution is used', () => {
    expect(placeholders(DOSSIER_PATH_ASL)).toEqual(Object.keys(TASK_FUNCTIONS).sort());
  });

  it('every Task state has a handler exported by functions/main/tasks.ts, bound locally', () => {
    const states = taskStates();
    expect(states.map((s) => s.stateName).sort()).toEqual([
      'Checkpoint',
      'EndStage',
      'Finalize',
      'Notify',
      'Plan',
      'StartStage',
      'WaitForStep',
    ]);
    for (const s of states) {
      const exported = (tasks as Record<string, unknown>)[TASK_FUNCTIONS[s.fn]];
      expect(typeof exported, `${s.stateName} -> ${s.fn}`).toBe('function');
    }
    expect(states.filter((s) => s.waitForTaskToken).map((s) => s.stateName)).toEqual(['WaitForStep']);
  });

  it('every file in workflows/ is valid ASL (asl-validator), written in JSONPath', () => {
    const dir = new URL('../../workflows/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.asl.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      // The local engine ignores JSONata: the definitions must not use it.
      expect(text).not.toMatch(/"QueryLanguage"|"Assign"|"Output"|\{%/);
      const { isValid, errorsText } = aslValidator(JSON.parse(text));
      expect(isValid, `${f}: ${errorsText()}`).toBe(true);
    }
  });

  it('every wait has a timeout path and the timeouts are caught into a checkpoint', () => {
    const asl = JSON.parse(DOSSIER_PATH_ASL);
    const wait = asl.States.Stages.ItemProcessor.States.Steps.ItemProcessor.States.WaitForStep;
    expect(wait.TimeoutSecondsPath).toBe('$.Payload.timeoutSeconds');
    expect(wait.Catch[0]).toMatchObject({ ErrorEquals: ['States.Timeout', 'Dunghan.Recheck'], Next: 'Checkpoint' });
  });
});
