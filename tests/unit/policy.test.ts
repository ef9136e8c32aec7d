import { describe, expect, it } from 'vitest';
import { foldDossier } from '../../functions/core/dossier.ts';
import { formatInstant } from '../../functions/core/instant.ts';
import { checkpointSeconds, escalationLadder, evaluatePolicy, type UnitRef } from '../../functions/core/policy.ts';
import { maskPhone, normaliseMobile } from '../../functions/core/phone.ts';
import { parseEvent, type DossierEvent } from '../../functions/schemas/events.ts';
import { at, calendar } from '../support/calendar.ts';
import { received, type Json } from '../support/events.ts';

const units = new Map<string, UnitRef>([
  ['tinh', { unitId: 'tinh', parentUnitId: null }],
  ['so', { unitId: 'so', parentUnitId: 'tinh' }],
  ['vpdk', { unitId: 'vpdk', parentUnitId: 'so' }],
]);
const state = (extra: Json = {}) =>
  foldDossier(calendar, [received('D', '2026-03-02T08:00:00+07:00', '2 working days', [[['land', 'vpdk', '2 working days']]], extra)].map((e) => (parseEvent(e) as { event: DossierEvent }).event))!;

describe('the escalation policy', () => {
  it('warns at 75 % of a step, 50 % for priority citizens', () => {
    // Budget: Mon 08:00-17:00 (420) + 2 x 480 = 1,380 minutes.
    const warnAt = (s: ReturnType<typeof state>) => evaluatePolicy(calendar, s, units, at('2026-03-02T08:00:00+07:00'), 'land').nextAt;
    expect(formatInstant(warnAt(state())!)).toBe(formatInstant(calendar.addWorkingMinutes(at('2026-03-02T08:00:00+07:00'), 0.75 * 1380)));
    expect(formatInstant(warnAt(state({ applicant: { name: 'Cụ B', phone: '0905123456', priority: 'elderly' } }))!)).toBe('2026-03-03T11:30:00+07:00');
  });

  it('escalates at the due instant, then to the parent after 2 working days and to the root after 5', () => {
    const now = at('2026-03-12T08:00:00+07:00');
    const due = evaluatePolicy(calendar, state(), units, now, null).due;
    expect(due.map((n) => [n.kind, n.rung, n.unitId, formatInstant(n.dueAt)])).toEqual([
      ['step.warning', null, 'vpdk', '2026-03-04T09:15:00+07:00'],
      ['head.escalation', 1, 'vpdk', '2026-03-04T17:00:00+07:00'],
      ['head.escalation', 2, 'so', '2026-03-06T17:00:00+07:00'],
      ['head.escalation', 3, 'tinh', '2026-03-11T17:00:00+07:00'],
    ]);
    expect(new Set(due.map((n) => n.noticeId)).size).toBe(4);
  });

  it('builds the ladder unit, parent, root whatever the depth', () => {
    expect(escalationLadder('vpdk', units)).toEqual(['vpdk', 'so', 'tinh']);
    expect(escalationLadder('so', units)).toEqual(['so', 'tinh']);
    expect(escalationLadder('unknown', units)).toEqual(['unknown']);
  });

  it('sleeps between 1 second and 7 days', () => {
    const now = at('2026-03-02T08:00:00+07:00');
    expect(checkpointSeconds(null, now)).toBe(7 * 86400);
    expect(checkpointSeconds(now - 5000, now)).toBe(1);
    expect(checkpointSeconds(now + 1500, now)).toBe(2);
    expect(checkpointSeconds(now + 30 * 86400_000, now)).toBe(7 * 86400);
  });
});

describe('phone numbers', () => {
  it('normalises Vietnamese mobiles to E.164 and refuses the rest with a reason', () => {
    expect(normaliseMobile('0912 345 678')).toEqual({ ok: true, e164: '+84912345678' });
    expect(normaliseMobile('+84 386 123 456')).toEqual({ ok: true, e164: '+84386123456' });
    expect(normaliseMobile('02838123456')).toMatchObject({ ok: false, reason: expect.stringContaining('not a mobile') });
    expect(normaliseMobile('12345')).toEqual({ ok: false, reason: 'not a valid phone number' });
    expect(maskPhone('+84912345678')).toBe('+84 9xx xxx 678');
  });
});
