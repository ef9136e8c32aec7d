import { describe, expect, it } from 'vitest';
import { foldDossier } from '../../functions/core/dossier.ts';
import { formatInstant } from '../../functions/core/instant.ts';
import { maskPhone, normaliseMobile } from '../../functions/core/phone.ts';
import {
  checkpointSeconds,
  escalationLadder,
  evaluatePolicy,
  newAppointment,
  nextCitizenInstant,
  policyFor,
  type UnitRef,
} from '../../functions/core/policy.ts';
import { loadPolicy } from '../../functions/reference/data.ts';
import { type DossierEvent, parseEvent } from '../../functions/schemas/events.ts';
import { at, calendar } from '../support/calendar.ts';
import { type Json, received } from '../support/events.ts';

const units = new Map<string, UnitRef>([
  ['tinh', { unitId: 'tinh', parentUnitId: null }],
  ['so', { unitId: 'so', parentUnitId: 'tinh' }],
  ['vpdk', { unitId: 'vpdk', parentUnitId: 'so' }],
]);
const settings = loadPolicy().defaults;
const state = (extra: Json = {}) =>
  foldDossier(
    calendar,
    [received('D', '2026-03-02T08:00:00+07:00', '2 working days', [[['land', 'vpdk', '2 working days']]], extra)].map(
      (e) => (parseEvent(e) as { event: DossierEvent }).event,
    ),
  )!;

describe('the escalation policy', () => {
  it('warns at 75 % of a step, 50 % for priority citizens', () => {
    // Budget: Mon 08:00-17:00 (420) + 2 x 480 = 1,380 minutes.
    const warnAt = (s: ReturnType<typeof state>) =>
      evaluatePolicy(calendar, s, units, at('2026-03-04T12:00:00+07:00'), 'land', settings).due.find(
        (n) => n.kind === 'step.warning',
      )!.dueAt;
    expect(formatInstant(warnAt(state())!)).toBe(
      formatInstant(calendar.addWorkingMinutes(at('2026-03-02T08:00:00+07:00'), 0.75 * 1380)),
    );
    expect(
      formatInstant(warnAt(state({ applicant: { name: 'Cụ B', phone: '0905123456', priority: 'elderly' } }))!),
    ).toBe('2026-03-03T11:30:00+07:00');
  });

  it('escalates at the due instant, then to the parent after 2 working days and to the root after 5', () => {
    const now = at('2026-03-12T08:00:00+07:00');
    const due = evaluatePolicy(calendar, state(), units, now, null, settings).due;
    expect(
      due
        .filter((n) => n.kind === 'head.escalation')
        .map((n) => [n.rung, n.unitId, formatInstant(n.dueAt), formatInstant(n.sendAfter)]),
    ).toEqual([
      // Due Wed 4/3 17:00: after hours, so heads receive it at the next opening.
      [1, 'vpdk', '2026-03-04T17:00:00+07:00', '2026-03-05T07:00:00+07:00'],
      [2, 'so', '2026-03-06T17:00:00+07:00', '2026-03-09T07:00:00+07:00'],
      [3, 'tinh', '2026-03-11T17:00:00+07:00', '2026-03-12T07:00:00+07:00'],
    ]);
    expect(new Set(due.map((n) => n.noticeId)).size).toBe(due.length);
  });

  it('asks for the apology one working day before the due date when the work left cannot fit', () => {
    // Due Wed 4/3 17:00; the lead instant is the opening of Tue 3/3.
    const s = state();
    const before = evaluatePolicy(calendar, s, units, at('2026-03-02T16:00:00+07:00'), null, settings);
    expect(before.due.filter((n) => n.kind !== 'step.warning')).toEqual([]);
    // At Tue 07:00 the step (1,380 minutes from Mon 08:00) has 960 left: it fits by Wed 17:00.
    const lead = evaluatePolicy(calendar, s, units, at('2026-03-03T07:00:00+07:00'), null, settings);
    expect(lead.due.map((n) => n.kind)).toEqual([]);
    // At the due instant lateness is certain: the head is asked, the citizen gets the apology.
    const atDue = evaluatePolicy(calendar, s, units, at('2026-03-04T17:00:00+07:00'), null, settings);
    expect(atDue.due.map((n) => [n.kind, n.unitId, formatInstant(n.sendAfter)])).toEqual(
      expect.arrayContaining([
        ['apology.due', 'vpdk', '2026-03-05T07:00:00+07:00'],
        ['citizen.apology', 'vpdk', '2026-03-04T17:00:00+07:00'],
      ]),
    );
  });

  it('keeps citizen SMS to daytime: a notice due at night waits for 07:00', () => {
    expect(formatInstant(nextCitizenInstant(at('2026-03-04T22:15:00+07:00'), settings))).toBe(
      '2026-03-05T07:00:00+07:00',
    );
    expect(formatInstant(nextCitizenInstant(at('2026-03-04T05:00:00+07:00'), settings))).toBe(
      '2026-03-04T07:00:00+07:00',
    );
    expect(formatInstant(nextCitizenInstant(at('2026-03-07T20:59:00+07:00'), settings))).toBe(
      '2026-03-07T20:59:00+07:00',
    );
  });

  it('lets a procedure override the province defaults', () => {
    expect(policyFor(loadPolicy(), '1.001193').warningShare).toBe(0.5);
    expect(policyFor(loadPolicy(), 'other').warningShare).toBe(0.75);
  });

  it('builds the ladder unit, parent, root whatever the depth', () => {
    expect(escalationLadder('vpdk', units)).toEqual(['vpdk', 'so', 'tinh']);
    expect(escalationLadder('so', units)).toEqual(['so', 'tinh']);
    expect(escalationLadder('unknown', units)).toEqual(['unknown']);
  });

  it('sleeps between 1 second and 7 days', () => {
    const now = at('2026-03-02T08:00:00+07:00');
    expect(checkpointSeconds(null, now, settings)).toBe(7 * 86400);
    expect(checkpointSeconds(now - 5000, now, settings)).toBe(1);
    expect(checkpointSeconds(now + 1500, now, settings)).toBe(2);
    expect(checkpointSeconds(now + 30 * 86400_000, now, settings)).toBe(7 * 86400);
  });
});

describe('phone numbers', () => {
  it('normalises Vietnamese mobiles to E.164 and refuses the rest with a reason', () => {
    expect(normaliseMobile('0912 345 678')).toEqual({ ok: true, e164: '+84912345678' });
    expect(normaliseMobile('+84 386 123 456')).toEqual({ ok: true, e164: '+84386123456' });
    expect(normaliseMobile('02838123456')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not a mobile'),
    });
    expect(normaliseMobile('12345')).toEqual({ ok: false, reason: 'not a valid phone number' });
    expect(maskPhone('+84912345678')).toBe('+84 9xx xxx 678');
  });
});

describe('notices the policy no longer owes, and new appointments (docs/law.md §2, §3)', () => {
  const hours = () =>
    foldDossier(
      calendar,
      [received('H', '2026-03-02T08:00:00+07:00', '8 working hours', [[['work', 'vpdk', '8 working hours']]])].map(
        (e) => (parseEvent(e) as { event: DossierEvent }).event,
      ),
    )!;

  it('warns no step already past its own due: the apology and escalation speak for it', () => {
    // The step's 1,380 minutes end Wed 4/3 17:00; a checkpoint that first runs after it owes no warning.
    const late = evaluatePolicy(calendar, state(), units, at('2026-03-05T08:00:00+07:00'), 'land', settings);
    expect(late.due.filter((n) => n.kind === 'step.warning')).toEqual([]);
    const inTime = evaluatePolicy(calendar, state(), units, at('2026-03-04T16:00:00+07:00'), 'land', settings);
    expect(inTime.due.filter((n) => n.kind === 'step.warning')).toHaveLength(1);
  });

  it('gives an hours limit a new appointment with its time, on a later working day than the missed due', () => {
    // 8 working hours from Mon 2/3 08:00 end Tue 3/3 08:00; nothing left to do but the overrun step: the
    // new appointment is the next working day after the missed one, at the next full hour, Wed 4/3 08:00.
    const s = hours();
    const missed = at('2026-03-03T08:00:00+07:00');
    const t = newAppointment(calendar, s, missed, 'hours');
    expect(formatInstant(t)).toBe('2026-03-04T08:00:00+07:00');
    // A limit in days ends at the close of that day.
    expect(formatInstant(newAppointment(calendar, state(), at('2026-03-04T07:00:00+07:00'), 'days'))).toBe(
      '2026-03-05T17:00:00+07:00',
    );
  });

  it('gives an apology sent late (after downtime) a date after the sending day, never one in the past', () => {
    // Due Wed 4/3 17:00, but the apology only goes out Tue 10/3 09:00: the new date is Wed 11/3, not 5/3.
    const t = newAppointment(calendar, state(), at('2026-03-10T09:00:00+07:00'), 'days');
    expect(formatInstant(t)).toBe('2026-03-11T17:00:00+07:00');
  });

  it('escalates a unit without a parent past itself to the provincial office', () => {
    const orphan = new Map<string, UnitRef>([...units, ['lone', { unitId: 'lone', parentUnitId: null }]]);
    expect(escalationLadder('lone', orphan, 'tinh')).toEqual(['lone', 'tinh']);
    expect(escalationLadder('vpdk', orphan, 'tinh')).toEqual(['vpdk', 'so', 'tinh']);
    // An office the province never upserted is not a rung.
    expect(escalationLadder('lone', orphan, 'nowhere')).toEqual(['lone']);
  });
});
