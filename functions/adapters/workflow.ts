import {
  SFNClient,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';

/** Answers to a step's wait (`.waitForTaskToken`). 'gone': the wait already ended (timed out, finished). */
export interface TaskCallbacks {
  succeed(token: string, output: Record<string, unknown>): Promise<'ok' | 'gone'>;
  fail(token: string, error: string, cause: string): Promise<'ok' | 'gone'>;
}

/** Starts the one execution of a dossier, named by its id; a second start finds it already there. */
export interface Executions {
  start(dossierId: string): Promise<'started' | 'exists'>;
}

/** The error a wait is failed with to make its step re-evaluate its checkpoint now (resume, reschedule). */
export const RECHECK_ERROR = 'Dunghan.Recheck';

// The callback race (DESIGN.md): a completion is written first, then the token is called back; a wait
// that timed out in between answers one of these, and its next checkpoint sees the completion.
const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export class SfnCallbacks implements TaskCallbacks {
  constructor(private readonly client: SFNClient) {}

  async succeed(token: string, output: Record<string, unknown>): Promise<'ok' | 'gone'> {
    return this.answer(() => this.client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) })));
  }

  async fail(token: string, error: string, cause: string): Promise<'ok' | 'gone'> {
    return this.answer(() => this.client.send(new SendTaskFailureCommand({ taskToken: token, error, cause })));
  }

  private async answer(call: () => Promise<unknown>): Promise<'ok' | 'gone'> {
    try {
      await call();
      return 'ok';
    } catch (err) {
      if (GONE.has((err as { name?: string }).name ?? '')) return 'gone';
      throw err;
    }
  }
}

export class SfnExecutions implements Executions {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(dossierId: string): Promise<'started' | 'exists'> {
    try {
      // Input is ids only: no personal data in execution history.
      await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: dossierId, input: JSON.stringify({ dossierId }) }),
      );
      return 'started';
    } catch (err) {
      if ((err as { name?: string }).name === 'ExecutionAlreadyExists') return 'exists';
      throw err;
    }
  }
}
