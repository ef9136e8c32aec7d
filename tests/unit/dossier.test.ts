import { describe, expect, it } from 'vitest';
import { controlSheet, judge } from '../../functions/core/control-sheet.ts';
import { foldDossier } from '../../functions/core/dossier.ts';
import { formatInstant } from '../../functions/core/instant.ts';
import { type DossierEvent, parseEvent } from '../../functions/schemas/events.ts';
import { at, calendar } from '../support/calendar.ts';
import { completed, event, type Json, received } from '../support/events.ts';

const parse = (events: Json[]): DossierEvent[] =>
  events.map((e) => {
    const r = parseEvent(e);
    if (!r.ok || r.event.type === 'unit.upserted') throw new Error(JSON.stringify(r));
    return r.event;
  });
const PATH: [string, string, string][][] = [
  [['a', 'xa', '1 working day']],
  [
    ['b', 'so', '2 working days'],
    ['c', 'thue', '1 working day'],
  ],
];
const base = received('D', '2026-03-02T08:00:00+07:00', '5 working days', PATH);
const fold = (...events: Json[]) => foldDossier(calendar, parse([base, ...events]))!;
const iso = (t: number | null) => (t === null ? null : formatInstant(t));

describe('the dossier fold', () => {
  it('keeps unapplied, with the reason, an event that would open a stage beyond the calendar data', () => {
    const late = received('L', '2027-12-20T08:00:00+07:00', '1 working day', [
      [['a', 'xa', '2 working hours']],
      [['b', 'so', '5 working days']],
    ]);
    const s = foldDossier(calendar, parse([late, completed('L', 'a', '2027-12-28T08:00:00+07:00')]))!;
    expect(s.unapplied).toEqual([
      {
        eventId: expect.stringContaining('a'),
        reason: expect.stringMatching(/beyond the working calendar data .*applies when the data is extended/),
      },
    ]);
    expect(s.steps.map((x) => x.completedAt)).toEqual([null, null]);
    expect(s.currentStage).toBe(0);
  });

  it('is null until the dossier is received', () => {
    expect(foldDossier(calendar, parse([completed('D', 'a', '2026-03-02T09:00:00+07:00')]))).toBeNull();
  });

  it('opens stages in order and hands the next stage over at the last completion', () => {
    const s = fold(completed('D', 'a', '2026-03-02T10:00:00+07:00'), completed('D', 'c', '2026-03-03T09:00:00+07:00'));
    expect(s.currentStage).toBe(1);
    expect(s.steps.map((x) => [x.stepId, iso(x.handedOverAt), iso(x.completedAt)])).toEqual([
      ['a', '2026-03-02T08:00:00+07:00', '2026-03-02T10:00:00+07:00'],
      ['b', '2026-03-02T10:00:00+07:00', null],
      ['c', '2026-03-02T10:00:00+07:00', '2026-03-03T09:00:00+07:00'],
    ]);
    const done = fold(
      completed('D', 'a', '2026-03-02T10:00:00+07:00'),
      completed('D', 'c', '2026-03-03T09:00:00+07:00'),
      completed('D', 'b', '2026-03-04T09:00:00+07:00'),
    );
    expect(done).toMatchObject({ status: 'processed', currentStage: null });
    expect(iso(done.finishedAt)).toBe('2026-03-04T09:00:00+07:00');
  });

  it('gives the same state whatever the arrival order, and applies an early completion when its stage starts', () => {
    const events = [
      completed('D', 'b', '2026-03-02T09:00:00+07:00'),
      completed('D', 'a', '2026-03-02T10:00:00+07:00'),
      completed('D', 'c', '2026-03-02T11:00:00+07:00'),
    ];
    const forward = fold(...events);
    const backward = fold(...[...events].reverse());
    expect(backward).toEqual(forward);
    expect(iso(forward.steps[1]!.completedAt)).toBe('2026-03-02T10:00:00+07:00'); // b: at its stage's start
    expect(forward.status).toBe('processed');
  });

  it('pauses the dossier and its open steps for a supplement', () => {
    const s = fold(
      event('D', 'supplement.requested', '2026-03-02T09:00:00+07:00'),
      event('D', 'supplement.received', '2026-03-03T09:00:00+07:00'),
    );
    const sheet = controlSheet(calendar, s, at('2026-03-03T10:00:00+07:00'));
    // Paused 08:00 Mon .. 09:00 Tue = 60 + 420 + 120 working minutes minus the first hour: 480.
    expect(iso(sheet.dueAt)).toBe('2026-03-10T17:00:00+07:00');
    expect(iso(sheet.steps[0]!.dueAt)).toBe('2026-03-04T17:00:00+07:00');
  });

  it('keeps events that cannot apply, with the reason', () => {
    const s = fold(
      event('D', 'supplement.received', '2026-03-02T09:00:00+07:00'),
      completed('D', 'zz', '2026-03-02T09:00:00+07:00'),
      event('D', 'apology.issued', '2026-03-05T09:00:00+07:00', {
        unitId: 'so',
        reason: 'Chờ',
        newDueAt: '2026-03-12T17:00:00+07:00',
      }),
      event('D', 'apology.issued', '2026-03-06T09:00:00+07:00', {
        unitId: 'so',
        reason: 'Chờ nữa',
        newDueAt: '2026-03-13T17:00:00+07:00',
      }),
      event('D', 'dossier.withdrawn', '2026-03-06T10:00:00+07:00'),
      completed('D', 'a', '2026-03-06T11:00:00+07:00'),
    );
    // Same-instant events apply in a fixed order: a completion before a resume.
    expect(s.unapplied.map((u) => u.reason)).toEqual([
      'step "zz" is not on the path of dossier D',
      'no supplement was requested',
      'the appointment was already rescheduled once (Decree 61/2018 Art. 19: one reschedule only)',
      'dossier D is already withdrawn',
    ]);
    expect(s.status).toBe('withdrawn');
    expect(iso(controlSheet(calendar, s, at('2026-03-07T10:00:00+07:00')).dueAt)).toBe('2026-03-12T17:00:00+07:00');
  });

  it('judges early, on time and late against the statutory due (an apology admits lateness)', () => {
    const due = at('2026-03-09T17:00:00+07:00');
    expect(judge(at('2026-03-06T10:00:00+07:00'), due)).toBe('early');
    expect(judge(at('2026-03-09T16:59:00+07:00'), due)).toBe('on_time');
    expect(judge(due, due)).toBe('on_time');
    expect(judge(due + 60_000, due)).toBe('late');
    const s = fold(
      event('D', 'apology.issued', '2026-03-05T09:00:00+07:00', {
        unitId: 'so',
        reason: 'Chờ',
        newDueAt: '2026-03-12T17:00:00+07:00',
      }),
      completed('D', 'a', '2026-03-02T10:00:00+07:00'),
      completed('D', 'c', '2026-03-03T10:00:00+07:00'),
      completed('D', 'b', '2026-03-11T10:00:00+07:00'),
    );
    const sheet = controlSheet(calendar, s, at('2026-03-12T10:00:00+07:00'));
    expect(sheet).toMatchObject({ outcome: 'late', minutesLate: 480 + 180, responsibleUnitId: 'so' });
  });
});
