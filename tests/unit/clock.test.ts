import { describe, expect, it } from 'vitest';
import {
  type ClockLedger,
  ClockRuleError,
  deriveClock,
  extendClock,
  openClock,
  parseLimit,
  pauseClock,
  resumeClock,
} from '../../functions/core/clock.ts';
import { formatInstant } from '../../functions/core/instant.ts';
import { at, calendar, calendarWithDaysOff } from '../support/calendar.ts';

const open = (received: string, limit: string, mode: 'pause' | 'restart' = 'pause') =>
  openClock(calendar, { receivedAt: at(received), limit: parseLimit(limit), mode });
const dueOf = (ledger: ClockLedger, cal = calendar) => {
  const { dueAt } = deriveClock(cal, ledger);
  return dueAt === null ? null : formatInstant(dueAt);
};
const supplement = (ledger: ClockLedger, from: string, to: string) => resumeClock(pauseClock(ledger, at(from)), at(to));

describe('the clock ledger', () => {
  it('fixes the budget at receipt from the limit', () => {
    expect(open('2026-02-12T14:00:00+07:00', '5 working days').budgetMinutes).toBe(180 + 5 * 480);
    // received on a Tết Saturday
    expect(open('2026-02-14T10:00:00+07:00', '5 working days').budgetMinutes).toBe(6 * 480);
    expect(open('2026-03-02T10:00:00+07:00', '8 working hours').budgetMinutes).toBe(480);
  });

  it('a supplement pause shifts the due instant by the paused working time', () => {
    const ledger = supplement(
      open('2026-03-09T08:00:00+07:00', '10 working days'),
      '2026-03-12T09:00:00+07:00',
      '2026-03-18T15:00:00+07:00',
    );
    const state = deriveClock(calendar, ledger);
    // Paused: Thu 12/3 09:00-17:00 (360) + Fri, Mon, Tue (3 x 480) + Wed 18/3 07:00-15:00 (360).
    expect(state.pausedMinutes).toBe(360 + 3 * 480 + 360);
    expect(formatInstant(state.originalDueAt)).toBe('2026-03-23T17:00:00+07:00');
    expect(dueOf(ledger)).toBe(formatInstant(calendar.addWorkingMinutes(at('2026-03-23T17:00:00+07:00'), 2160)));
    expect(dueOf(ledger)).toBe('2026-03-30T11:00:00+07:00');
  });

  it('restart mode gives the full budget again from the supplement arrival', () => {
    const ledger = supplement(
      open('2026-03-09T08:00:00+07:00', '10 working days', 'restart'),
      '2026-03-12T09:00:00+07:00',
      '2026-03-18T15:00:00+07:00',
    );
    expect(dueOf(ledger)).toBe('2026-04-01T17:00:00+07:00'); // 10 working days counted from Thu 19/3
    expect(deriveClock(calendar, ledger).budgetMinutes).toBe(120 + 10 * 480);
  });

  it('while paused the due instant is unknown and consumption stops', () => {
    const ledger = pauseClock(open('2026-03-02T07:00:00+07:00', '2 working days'), at('2026-03-02T09:00:00+07:00'));
    const state = deriveClock(calendar, ledger, at('2026-03-05T10:00:00+07:00'));
    expect(state).toMatchObject({
      dueAt: null,
      paused: true,
      consumedMinutes: 120,
      runningSince: null,
      pausedMinutes: 480 + 480 + 480 + 180 - 120,
    });
    expect(state.remainingMinutes).toBe(3 * 480 - 120);
  });

  it('consumption runs on to overdue; a pause after the due instant does not move it', () => {
    const base = open('2026-03-02T07:00:00+07:00', '1 working day');
    expect(dueOf(base)).toBe('2026-03-03T17:00:00+07:00');
    const late = supplement(base, '2026-03-04T09:00:00+07:00', '2026-03-05T09:00:00+07:00');
    expect(dueOf(late)).toBe('2026-03-03T17:00:00+07:00');
    expect(deriveClock(calendar, late).pausedMinutes).toBe(0);
    const now = deriveClock(calendar, base, at('2026-03-04T08:00:00+07:00'));
    expect(now.remainingMinutes).toBe(-60);
    expect(now.consumedMinutes).toBe(2 * 480 + 60);
  });

  it('an extension (new appointment) moves the due instant and later pauses still count', () => {
    let ledger = open('2026-03-02T07:00:00+07:00', '3 working days');
    ledger = extendClock(calendar, ledger, at('2026-03-04T10:00:00+07:00'), at('2026-03-09T17:00:00+07:00'));
    expect(dueOf(ledger)).toBe('2026-03-09T17:00:00+07:00');
    expect(deriveClock(calendar, ledger).originalDueAt).toBe(at('2026-03-05T17:00:00+07:00'));
    ledger = supplement(ledger, '2026-03-06T07:00:00+07:00', '2026-03-06T17:00:00+07:00');
    expect(dueOf(ledger)).toBe('2026-03-10T17:00:00+07:00');
    expect(() =>
      extendClock(calendar, ledger, at('2026-03-06T18:00:00+07:00'), at('2026-03-10T12:00:00+07:00')),
    ).toThrow(ClockRuleError);
  });

  it("an open dossier's due instant moves when a day off is added to the data after receipt", () => {
    const ledger = open('2026-11-20T10:00:00+07:00', '5 working days');
    expect(dueOf(ledger)).toBe('2026-11-27T17:00:00+07:00');
    // Ngày Văn hóa Việt Nam (24/11) decided as a day off after the dossier was received.
    expect(dueOf(ledger, calendarWithDaysOff('2026-11-24'))).toBe('2026-11-30T17:00:00+07:00');
    expect(ledger.budgetMinutes).toBe(
      openClock(calendar, { receivedAt: at('2026-11-20T10:00:00+07:00'), limit: parseLimit('5 working days') })
        .budgetMinutes,
    );
  });

  it('refuses events out of order', () => {
    const ledger = open('2026-03-02T10:00:00+07:00', '3 working days');
    expect(() => pauseClock(ledger, at('2026-03-02T09:00:00+07:00'))).toThrow('before the receipt');
    expect(() => resumeClock(ledger, at('2026-03-03T09:00:00+07:00'))).toThrow('not paused');
    const paused = pauseClock(ledger, at('2026-03-03T09:00:00+07:00'));
    expect(() => pauseClock(paused, at('2026-03-03T10:00:00+07:00'))).toThrow('already paused');
    expect(() => resumeClock(paused, at('2026-03-03T08:00:00+07:00'))).toThrow('before it starts');
    const resumed = resumeClock(paused, at('2026-03-04T09:00:00+07:00'));
    expect(() => pauseClock(resumed, at('2026-03-03T12:00:00+07:00'))).toThrow('previous pause ended');
  });
});
