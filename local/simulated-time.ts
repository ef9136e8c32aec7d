import { install } from '@sinonjs/fake-timers';

/**
 * The simulated clock: fakes Date and timers (not setImmediate, nextTick or I/O) so that weeks of
 * workflow run in seconds. Time moves only when the system is idle: no store call, no task handler
 * under way (a request in flight must not see days pass).
 */

const realSetImmediate = globalThis.setImmediate;

export interface Activity {
  /** Work under way that the clock must wait for. */
  busy(): number;
}

export class SimulatedTime {
  /**
   * The instants at which timers fired, each settled before the next: the steps of the simulation that run one
   * after another (what runs within one may interleave; docs/scale.md, "Sharding the replay").
   */
  firedInstants = 0;
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
      this.fireDue(next);
      this.firedInstants++;
      await this.settle();
    }
    if (target > this.clock.now) this.moveTo(target);
    await this.settle();
  }

  uninstall(): void {
    this.clock.uninstall();
  }

  private heap(): TimerHeap | undefined {
    return (this.clock as unknown as { timerHeap?: TimerHeap }).timerHeap;
  }

  private nextTimerAt(): number | null {
    // fake-timers keeps its timers in a heap; peek() is O(1).
    return this.heap()?.peek()?.callAt ?? null;
  }

  /**
   * Fires every timer due at or before `at`, in the clock's order, as `tick()` to that instant would
   * (timers a callback sets within the range included). `next()` takes each from the heap; `tick()`
   * would also scan every pending timer twice per call, which grows with the open dossiers.
   */
  private fireDue(at: number): void {
    for (let t = this.heap()?.peek(); t !== undefined && t.callAt <= at; t = this.heap()?.peek()) this.clock.next();
  }

  /** Moves the time to `target` when no timer is due before it. */
  private moveTo(target: number): void {
    const delay = target - this.clock.now;
    if (this.heap()?.peek() === undefined || delay > MAX_TIMER_DELAY) {
      this.clock.tick(delay);
      return;
    }
    // A marker timer at `target` is the first in the heap: next() takes it and sets the time.
    this.clock.setTimeout(() => {}, delay);
    this.clock.next();
  }
}

interface TimerHeap {
  peek(): { callAt: number } | undefined;
}

/** Timers longer than this (2^31 - 1 ms) fire at once, in Node as in fake-timers. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;
