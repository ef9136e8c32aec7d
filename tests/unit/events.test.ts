import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../functions/schemas/events.ts';
import { completed, PROVINCE, received } from '../support/events.ts';

const good = received('HS-1', '2026-03-02T08:00:00+07:00', '10 working days', [
  [['a', 'xa', '1 working day']],
  [
    ['b', 'so', '2 working days'],
    ['c', 'thue', '8 working hours'],
  ],
]);

describe('the event contract', () => {
  it('parses every event type', () => {
    for (const e of [...PROVINCE, good, completed('HS-1', 'a', '2026-03-02T10:00:00+07:00')]) {
      expect(parseEvent(e).ok, JSON.stringify(e)).toBe(true);
    }
    const parsed = parseEvent(good);
    expect(parsed.ok && parsed.event.type === 'dossier.received' && parsed.event.limit).toEqual({
      amount: 10,
      unit: 'days',
    });
  });

  it.each([
    [{ ...good, type: 'dossier.lost' }, 'type', 'must be one of unit.upserted, dossier.received'],
    [{ ...good, at: '2026-03-02 08:00' }, 'at', 'is not an ISO-8601 instant with an offset'],
    [{ ...good, limit: '-3 working days' }, 'limit', 'is not "<N> working days"'],
    [{ ...good, limit: '0 working hours' }, 'limit', 'must be at least 1'],
    [{ ...good, applicant: { name: 'A' } }, 'applicant.phone', 'is required'],
    [{ ...good, applicant: { name: 'A', phone: 'call me' } }, 'applicant.phone', 'must be a phone number'],
    [{ ...good, applicant: { name: 'A\u0007', phone: '0905123456' } }, 'applicant.name', 'control characters'],
    [{ ...good, nickname: 'x' }, 'nickname', 'unknown field(s): nickname'],
    [{ ...good, dossierId: 'HS 1' }, 'dossierId', 'letters, digits'],
    [{ ...good, dossierId: 'x'.repeat(81) }, 'dossierId', 'at most 80'],
    [{ ...good, path: [] }, 'path', 'at least one stage'],
    [
      {
        ...good,
        path: [
          [{ stepId: 'a', unitId: 'xa', budget: '1 working day' }],
          [{ stepId: 'a', unitId: 'so', budget: '1 working day' }],
        ],
      },
      'path.1.0.stepId',
      'appears twice',
    ],
    [{ ...good, path: undefined }, 'path', 'is required when receivingUnitId is absent'],
    [{ ...good, applicant: { ...(good.applicant as object), priority: 'vip' } }, 'applicant.priority', ''],
    [{ ...completed('HS-1', 'a', '2026-03-02T10:00:00+07:00'), stepId: 7 }, 'stepId', 'expected string'],
    [{ ...PROVINCE[1]!, parentUnitId: 'so' }, 'parentUnitId', 'its own parent'],
    [{ ...good, type: 'toString' }, 'type', 'must be one of'],
    [{ ...good, type: '__proto__' }, 'type', 'must be one of'],
    [
      { ...good, applicant: { ...(good.applicant as object), age: 70 } },
      'applicant.age',
      'unknown field(s): applicant.age',
    ],
    [{ ...good, ['k'.repeat(5000)]: 1 }, `${'k'.repeat(77)}...`, 'unknown field(s)'],
    [{ ...good, '': 1 }, '""', 'unknown field(s): ""'],
    [{ ...good, 'a\u0000': 1 }, '"a\\u0000"', 'unknown field(s): "a\\u0000"'],
    [
      JSON.parse(
        '{"__proto__": 1, "type": "supplement.received", "eventId": "e", "at": "2026-03-02T08:00:00+07:00", "dossierId": "d"}',
      ),
      '__proto__',
      'unknown field(s): __proto__',
    ],
    [{ ...good, applicant: { name: 'A', phone: '000' } }, 'applicant.phone', 'is not a valid phone number'],
    [{ ...good, applicant: { name: 'A', phone: '+84 000 000 000' } }, 'applicant.phone', 'is not a valid phone number'],
    [[1, 2], '(body)', 'must be a JSON object'],
    [null, '(body)', 'must be a JSON object'],
  ])('refuses %j naming %s', (input, field, reason) => {
    const r = parseEvent(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.field).toBe(field);
      expect(r.reason).toContain(reason);
    }
  });
});
