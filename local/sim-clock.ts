import { install } from '@sinonjs/fake-timers';

/**
 * The simulated clock: fakes Date and timers (not setImmediate, nextTick or I/O) so that weeks of
 * workflow run in seconds. Time moves only when the system is idle: no store call, no task handler
 * under way (TOOLCHAIN.md: a request in flight must not see days pass).
 */

const realSetImmediate = globalThis.setImmediate;

export interface Activity {
  /** Work under way that the clock must wait for. */
  busy(): number;
}

export class SimulatedClock {
  private readonly clock: ReturnType<typeof install>;

  constructor(
    start: number,
    private readonly activity: Activity,
  ) {
    this.clock = install({
      now: start,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      loopLimit: 10_000_000,
      shouldClearNativeTimers: true,
    });
  }

  now(): number {
    return this.clock.now;
  }

  /** Lets every pending promise chain and I/O finish: idle for a few turns of the real event loop. */
  async settle(): Promise<void> {
    let quiet = 0;
    while (quiet < 3) {
      await new Promise<void>((resolve) => realSetImmediate(resolve));
      quiet = this.activity.busy() === 0 ? quiet + 1 : 0;
    }
  }

  /** Advances to `target`, firing each timer at its own instant and settling after each. */
  async advanceTo(target: number): Promise<void> {
    await this.settle();
    for (;;) {
      const next = this.nextTimerAt();
      if (next === null || next > target) break;
      this.clock.tick(Math.max(0, next - this.clock.now));
      await this.settle();
    }
    if (target > this.clock.now) this.clock.tick(target - this.clock.now);
    await this.settle();
  }

  uninstall(): void {
    this.clock.uninstall();
  }

  private nextTimerAt(): number | null {
    // fake-timers keeps its timers in a heap; peek() is O(1).
    const heap = (this.clock as unknown as { timerHeap?: { peek(): { callAt: number } | undefined } }).timerHeap;
    return heap?.peek()?.callAt ?? null;
  }
}
