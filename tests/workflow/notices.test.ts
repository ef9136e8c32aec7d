import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../functions/core/instant.ts';
import { loadPolicy } from '../../functions/reference/data.ts';
import { replay } from '../../local/replay.ts';
import { completed, event, lines, PROVINCE, received } from '../support/events.ts';

const PARALLEL: [string, string, string][][] = [
  [
    ['land', 'vpdk', '2 working days'],
    ['tax', 'thue', '2 working days'],
  ],
];
const until = (iso: string) => parseInstant(iso);

describe('notices in simulated time', () => {
  it('sends each rung once although two parallel steps evaluate the dossier, and the ladder goes up', async () => {
    const r = await replay({
      lines: lines([...PROVINCE, received('N-1', '2026-03-02T08:00:00+07:00', '2 working days', PARALLEL)]),
      until: until('2026-03-20T17:00:00+07:00'),
    });
    const ids = r.notices.map((n) => n.noticeId);
    expect(new Set(ids).size).toBe(ids.length);
    const escalations = r.notices.filter((n) => n.kind === 'head.escalation' && !n.noticeId.startsWith('batch/'));
    const rungs = escalations.map((n) => [n.rung, n.unitId, n.dueAt]);
    // Due Wed 4/3 17:00, certain lateness then: the citizen's apology gives a new date, Thu 5/3 (nothing
    // left to do but the overrun steps). Rung 1 at the statutory due; the new date missed goes straight
    // to rung 2; rung 3 keeps the ladder's distance (3 more working days).
    expect(rungs).toEqual([
      [1, 'vpdk', '2026-03-04T17:00:00+07:00'],
      [2, 'so', '2026-03-05T17:00:00+07:00'],
      [3, 'tinh', '2026-03-10T17:00:00+07:00'],
    ]);
    // Heads are told in working time: the 17:00 instants wait for the next opening, where each joins the
    // batch of its rung and head (15 minutes), sent once when the window closes: one SMS per rung.
    for (const n of escalations) expect([n.status, n.at!.slice(11, 16)]).toEqual(['batched', '07:01']);
    const batches = r.notices.filter((n) => n.noticeId.startsWith('batch/'));
    expect(batches.map((b) => [b.rung, b.unitId, b.status, b.at!.slice(11, 16), b.parts])).toEqual([
      [1, 'vpdk', 'sent', '07:15', 1],
      [2, 'so', 'sent', '07:15', 1],
      [3, 'tinh', 'sent', '07:15', 1],
    ]);
    for (const b of batches) expect(b.text).toContain('N-1');
  });

  it('defers a citizen SMS outside the citizen window to its next opening, never dropping it', async () => {
    const policy = loadPolicy();
    const narrow = { ...policy, defaults: { ...policy.defaults, citizenHours: [9 * 60, 12 * 60] as [number, number] } };
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        received('N-2', '2026-03-02T08:00:00+07:00', '1 working day', [[['land', 'vpdk', '1 working day']]]),
      ]),
      until: until('2026-03-10T17:00:00+07:00'),
      stack: { policy: narrow },
    });
    const apology = r.notices.find((n) => n.kind === 'citizen.apology')!;
    // Lateness certain at the due instant, Tue 3/3 17:00: outside 09:00-12:00, sent Wed 09:00 (+ the minute).
    // One part: the procedure's name shortened, keeping enough of it to be recognised.
    expect(apology).toMatchObject({
      dueAt: '2026-03-03T17:00:00+07:00',
      at: '2026-03-04T09:01:00+07:00',
      status: 'sent',
      parts: 1,
    });
  });

  it('reschedules once: a dunghan apology moves the appointment; an officer apology after it is refused', async () => {
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        received('N-3', '2026-03-02T08:00:00+07:00', '3 working days', [
          [['land', 'vpdk', '1 working day']],
          [['sign', 'xa', '1 working day']],
        ]),
        completed('N-3', 'land', '2026-03-04T15:00:00+07:00'),
        event('N-3', 'apology.issued', '2026-03-05T10:00:00+07:00', {
          unitId: 'xa',
          reason: 'Chờ ký',
          newDueAt: '2026-03-12T17:00:00+07:00',
        }),
      ]),
      until: until('2026-03-20T17:00:00+07:00'),
    });
    // Land late at its own due (Tue 3/3 17:00); from Wed 4/3 07:00 (the day before the due) the apology goes out.
    const apology = r.notices.find((n) => n.kind === 'citizen.apology')!;
    expect(apology).toMatchObject({ unitId: 'vpdk', dueAt: '2026-03-04T07:00:00+07:00', status: 'sent' });
    expect(r.rejected).toEqual([
      {
        eventId: 'N-3-apology.issued-2026-03-05T10:00:00+07:00',
        reason: 'the appointment was already rescheduled once (Decree 61/2018 Art. 19: one reschedule only)',
      },
    ]);
    expect(r.dossiers[0]!.dueAt).toBe(
      `${apology
        .text!.match(/moi: ngay (\d\d)\/(\d\d)\/(\d{4})/)!
        .slice(1)
        .reverse()
        .join('-')}T17:00:00+07:00`,
    );
    expect(r.notices.filter((n) => n.kind === 'citizen.apology')).toHaveLength(1);
  });

  it('does not apologise for an officer who already did, and escalates straight up when the new date is missed', async () => {
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        received('N-4', '2026-03-02T08:00:00+07:00', '2 working days', [[['land', 'vpdk', '2 working days']]]),
        event('N-4', 'apology.issued', '2026-03-03T08:00:00+07:00', {
          unitId: 'vpdk',
          reason: 'Chờ đo đạc',
          newDueAt: '2026-03-06T17:00:00+07:00',
        }),
      ]),
      until: until('2026-03-20T17:00:00+07:00'),
    });
    expect(r.notices.filter((n) => n.kind === 'citizen.apology' || n.kind === 'apology.due')).toEqual([]);
    const rungs = r.notices
      .filter((n) => n.kind === 'head.escalation' && !n.noticeId.startsWith('batch/'))
      .map((n) => [n.rung, n.dueAt]);
    expect(rungs).toEqual([
      [1, '2026-03-04T17:00:00+07:00'], // overdue against the statutory due
      [2, '2026-03-06T17:00:00+07:00'], // the new appointment missed: straight to the next rung
      [3, '2026-03-11T17:00:00+07:00'], // then the ladder's remaining distance from it
    ]);
  });

  it('sends nothing about a dossier once it is resolved; a deferred notice is cancelled', async () => {
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        received('N-5', '2026-03-02T08:00:00+07:00', '2 working days', [[['land', 'vpdk', '2 working days']]]),
        completed('N-5', 'land', '2026-03-04T17:30:00+07:00'),
        event('N-5', 'dossier.resolved', '2026-03-04T18:00:00+07:00'),
      ]),
      until: until('2026-03-20T17:00:00+07:00'),
    });
    const resolvedAt = '2026-03-04T18:00:00+07:00';
    for (const n of r.notices.filter((x) => x.status === 'sent')) expect(n.at! < resolvedAt, n.noticeId).toBe(true);
    // Rung 1 was due at 17:00 but heads are told in working time: it waited, and was cancelled.
    expect(r.notices.find((n) => n.kind === 'head.escalation')).toMatchObject({
      status: 'cancelled',
      reason: 'dossier processed',
    });
    expect(r.notices.filter((n) => n.kind === 'head.escalation')).toHaveLength(1);
  });

  it('records an undeliverable citizen number and still escalates to the head', async () => {
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        received('N-6', '2026-03-02T08:00:00+07:00', '1 working day', [[['land', 'vpdk', '1 working day']]], {
          applicant: { name: 'Trần C', phone: '02623812345' },
        }),
      ]),
      until: until('2026-03-06T17:00:00+07:00'),
    });
    expect(r.notices.find((n) => n.kind === 'citizen.apology')).toMatchObject({
      status: 'undeliverable',
      reason: 'not a mobile number (FIXED_LINE)',
      to: null,
    });
    // The head is told by the topic that the citizen must be told another way.
    expect(r.notices.find((n) => n.kind === 'delivery.failed')).toMatchObject({
      unitId: 'vpdk',
      status: 'sent',
      reason: 'not a mobile number (FIXED_LINE)',
      parts: null,
    });
    expect(r.notices.find((n) => n.noticeId === 'N-6/head.escalation/r1/v0')).toMatchObject({ status: 'batched' });
    expect(r.notices.find((n) => n.noticeId === 'batch/vpdk/r1/2026-03-04T0700')).toMatchObject({ status: 'sent' });
    expect(r.dossiers[0]!.dueAt).toBe('2026-03-03T17:00:00+07:00'); // no reschedule without an apology delivered
  });

  it('sends the morning digest to heads with something to act on and to the provincial office', async () => {
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        received('N-7', '2026-03-02T08:00:00+07:00', '1 working day', [[['tax', 'thue', '1 working day']]]),
      ]),
      until: until('2026-03-05T12:00:00+07:00'),
    });
    const digests = r.notices
      .filter((n) => n.kind === 'digest')
      .map((n) => [n.unitId, n.at, n.text])
      .sort();
    // The tax step's warning (Tue 3/3, 75 % of its day) went to the topic and into Wed 4/3's digest: the
    // step is open and past its own due (Tue 3/3 17:00). The dossier is overdue from Tue 3/3 17:00 (the
    // apology moved it to Wed 4/3 17:00): on Thu 5/3 the unit and the provincial office hear of it.
    expect(digests).toEqual([
      [
        'thue',
        '2026-03-04T07:30:00+07:00',
        'TTPVHCC: Sang 04/03, Don vi thue: 1 ho so qua han. Can xu ly truoc: N-7 (qua han).',
      ],
      [
        'thue',
        '2026-03-05T07:30:00+07:00',
        'TTPVHCC: Sang 05/03, Don vi thue: 1 ho so qua han. Can xu ly truoc: N-7 (qua han).',
      ],
      ['tinh', '2026-03-05T07:30:00+07:00', 'TTPVHCC: Sang 05/03, toan tinh co 1 ho so qua han: Don vi thue 1.'],
    ]);
    const warning = r.notices.find((n) => n.noticeId === 'N-7/step.warning/tax/v0');
    expect(warning).toMatchObject({ status: 'folded', parts: null });
    expect(warning!.text).toContain('buoc "tax"');
  });
});
