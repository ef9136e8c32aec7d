import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { executionName } from '../app/execution-name.ts';
import type { ExecutionStatus, Executions, TaskCallbacks } from '../app/ports.ts';

/** Step Functions: the answers to a step's wait (task tokens) and the executions of a dossier. */

// The callback race: a completion is written first, then the token is called back; a wait
// that timed out in between answers one of these, and its next checkpoint sees the completion.
const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export class SfnCallbacks implements TaskCallbacks {
  constructor(private readonly client: SFNClient) {}

  async succeed(token: string, output: Record<string, unknown>): Promise<'ok' | 'gone'> {
    return this.answer(() =>
      this.client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) })),
    );
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

  async start(dossierId: string, attempt = 1): Promise<'started' | 'exists'> {
    try {
      // Input is ids only: no personal data in execution history. Every attempt re-plans from the store.
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: executionName(dossierId, attempt),
          input: JSON.stringify({ dossierId }),
        }),
      );
      return 'started';
    } catch (err) {
      if ((err as { name?: string }).name === 'ExecutionAlreadyExists') return 'exists';
      throw err;
    }
  }

  async status(dossierId: string, attempt: number): Promise<ExecutionStatus> {
    // arn:aws:states:<region>:<account>:stateMachine:<machine> -> ...:execution:<machine>:<name>
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName(dossierId, attempt)}`;
    try {
      const r = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      return r.status === 'RUNNING' || r.status === 'PENDING_REDRIVE' ? 'running' : 'ended';
    } catch (err) {
      if ((err as { name?: string }).name === 'ExecutionDoesNotExist') return 'missing';
      throw err;
    }
  }
}
