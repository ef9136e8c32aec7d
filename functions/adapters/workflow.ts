import { createHash } from 'node:crypto';
import {
  DescribeExecutionCommand,
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

/**
 * The executions of a dossier. Attempt 1 is named by the dossier id (StartExecution deduplicates a
 * second intake); a restart after an execution died is a new attempt with a name of its own
 * (executionName), because Step Functions never reuses the name of a closed execution.
 */
export interface Executions {
  start(dossierId: string, attempt?: number): Promise<'started' | 'exists'>;
  /** 'running', 'ended' (succeeded, failed, timed out or aborted) or 'missing' (never started). */
  status(dossierId: string, attempt: number): Promise<ExecutionStatus>;
}

export type ExecutionStatus = 'running' | 'ended' | 'missing';

/**
 * The execution name of an attempt: the dossier id, then `<id>+r<n>`. '+' is allowed in execution
 * names but never in a dossier id (IdSchema), so no restart can take another dossier's name; an id too
 * long for the 80-character limit keeps its first characters and a hash of the whole.
 */
export function executionName(dossierId: string, attempt = 1): string {
  if (attempt <= 1) return dossierId;
  const suffix = `+r${attempt}`;
  if (dossierId.length + suffix.length <= 80) return `${dossierId}${suffix}`;
  const hash = createHash('sha256').update(dossierId).digest('hex').slice(0, 10);
  return `${dossierId.slice(0, 80 - suffix.length - hash.length - 1)}+${hash}${suffix}`;
}

/** The error a wait is failed with to make its step re-evaluate its checkpoint now (resume, reschedule). */
export const RECHECK_ERROR = 'Dunghan.Recheck';

// The callback race: a completion is written first, then the token is called back; a wait
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

  async start(dossierId: string, attempt = 1): Promise<'started' | 'exists'> {
    try {
      // Input is ids only: no personal data in execution history. Every attempt re-plans from the store.
      await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: executionName(dossierId, attempt), input: JSON.stringify({ dossierId }) }),
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
