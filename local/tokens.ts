import type { TaskCallbacks } from '../functions/app/ports.ts';

interface Parked {
  resolve(output: Record<string, unknown>): void;
  reject(error: Error): void;
  retire: ReturnType<typeof setTimeout>;
}

/**
 * Task tokens on the local engine: aws-local-stepfunctions has no callbacks, so each wait parks a
 * promise here; SendTaskSuccess resolves it, SendTaskFailure rejects it with an Error whose name is
 * the error code. A wait that timed out is abandoned by the engine: the registry retires its token at
 * the same instant, and a late callback then answers 'gone' (TaskTimedOut on AWS).
 */
export class LocalTaskTokens implements TaskCallbacks {
  private readonly parked = new Map<string, Parked>();
  private seq = 0;
  private closed = false;

  /** A token unique to this wait (the local engine gives every task the same $$.Task.Token). */
  newToken(dossierId: string, stepId: string): string {
    return `local:${dossierId}:${stepId}:${++this.seq}`;
  }

  park(token: string, timeoutSeconds: number): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(stopped());
    return new Promise((resolve, reject) => {
      const retire = setTimeout(() => this.parked.delete(token), timeoutSeconds * 1000);
      this.parked.set(token, { resolve, reject, retire });
    });
  }

  async succeed(token: string, output: Record<string, unknown>): Promise<'ok' | 'gone'> {
    const p = this.take(token);
    if (!p) return 'gone';
    p.resolve(output);
    return 'ok';
  }

  async fail(token: string, error: string, cause: string): Promise<'ok' | 'gone'> {
    const p = this.take(token);
    if (!p) return 'gone';
    const err = new Error(cause);
    err.name = error;
    p.reject(err);
    return 'ok';
  }

  /** Waits parked now. */
  get size(): number {
    return this.parked.size;
  }

  /**
   * The stack stops: every parked wait is failed and its retire timer cleared. The engine's own timer
   * of a waiting Task (its TimeoutSeconds, hours to days) is cleared only when the Task's promise
   * settles: a wait left parked would keep the process alive until it timed out.
   */
  close(): void {
    this.closed = true;
    for (const p of this.parked.values()) {
      clearTimeout(p.retire);
      p.reject(stopped());
    }
    this.parked.clear();
  }

  private take(token: string): Parked | undefined {
    const p = this.parked.get(token);
    if (p) {
      clearTimeout(p.retire);
      this.parked.delete(token);
    }
    return p;
  }
}

/** The error a wait is failed with when the stack stops (no Retry or Catch of the workflow names it). */
function stopped(): Error {
  const err = new Error('the local stack is stopping');
  err.name = 'Dunghan.Stopped';
  return err;
}
