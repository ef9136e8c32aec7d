import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeDueAt,
  deriveClock,
  type Limit,
  openClock,
  pauseClock,
  resumeClock,
} from '../../functions/core/clock.ts';
import { HOUR_MS, MINUTE_MS } from '../../functions/core/instant.ts';
import { at, calendar } from '../support/calendar.ts';

// Receipts over 2025-2026 so that a 30-day limit stays inside the data (2027).
const FROM = at('2025-01-01T00:00:00+07:00');
const TO = at('2026-12-31T00:00:00+07:00');
const instant = fc.integer({ min: FROM, max: TO }).map((t) => t - (t % MINUTE_MS));
const limit: fc.Arbitrary<Limit> = fc.oneof(
  fc.integer({ min: 1, max: 30 }).map((amount) => ({ amount, unit: 'days' as const })),
  fc.integer({ min: 1, max: 40 }).map((amount) => ({ amount, unit: 'hours' as const })),
);
const runs = { numRuns: 2000 };

describe('properties of the dossier clock', () => {
  it('due is monotonic in the receipt instant', () => {
    fc.assert(
      fc.property(instant, instant, limit, (a, b, l) => {
        const [r1, r2] = a <= b ? [a, b] : [b, a];
        expect(computeDueAt(calendar, r1, l)).toBeLessThanOrEqual(computeDueAt(calendar, r2, l));
      }),
      runs,
    );
  });

  it('due is monotonic in the limit', () => {
    fc.assert(
      fc.property(instant, limit, fc.integer({ min: 1, max: 10 }), (r, l, extra) => {
        const longer = { ...l, amount: l.amount + extra };
        expect(computeDueAt(calendar, r, l)).toBeLessThan(computeDueAt(calendar, r, longer));
      }),
      runs,
    );
  });

  it('the due instant is working time, and the budget is the working time up to it', () => {
    fc.assert(
      fc.property(instant, limit, (r, l) => {
        const state = deriveClock(calendar, openClock(calendar, { receivedAt: r, limit: l }));
        const due = state.dueAt!;
        expect(calendar.isWorkingInstant(due - 1)).toBe(true);
        expect(calendar.workingMinutesBetween(state.effectiveReceivedAt, due)).toBeCloseTo(state.budgetMinutes, 6);
        if (l.unit === 'hours') expect(state.budgetMinutes).toBe(l.amount * 60);
      }),
      runs,
    );
  });

  it('adding working minutes and measuring them are inverse', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 20 * 480 }), (t, minutes) => {
        const end = calendar.addWorkingMinutes(t, minutes);
        expect(calendar.workingMinutesBetween(t, end)).toBeCloseTo(minutes, 6);
        expect(calendar.workingMinutesBetween(t, end - MINUTE_MS)).toBeLessThan(minutes);
      }),
      runs,
    );
  });

  it('a pause never shortens the clock, and moves the due by exactly the paused working time', () => {
    fc.assert(
      fc.property(
        instant,
        limit,
        fc.integer({ min: 0, max: 20 * 24 }),
        fc.integer({ min: 1, max: 10 * 24 }),
        fc.constantFrom('pause' as const, 'restart' as const),
        (r, l, startHours, lengthHours, mode) => {
          const ledger = openClock(calendar, { receivedAt: r, limit: l, mode });
          const from = r + startHours * HOUR_MS;
          const paused = resumeClock(pauseClock(ledger, from), from + lengthHours * HOUR_MS);
          const before = deriveClock(calendar, ledger);
          const after = deriveClock(calendar, paused);
          expect(after.dueAt!).toBeGreaterThanOrEqual(before.dueAt!);
          if (mode === 'pause') {
            expect(calendar.workingMinutesBetween(before.dueAt!, after.dueAt!)).toBeCloseTo(after.pausedMinutes, 6);
          }
        },
      ),
      runs,
    );
  });
});
