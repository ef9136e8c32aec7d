import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../functions/core/instant.ts';
import { replay } from '../../local/replay.ts';
import { completed, event, lines, PROVINCE, received } from '../support/events.ts';

const THREE_STAGES: [string, string, string][][] = [
  [['receive', 'xa', '1 working day']],
  [
    ['land', 'vpdk', '3 working days'],
    ['tax', 'thue', '2 working days'],
  ],
  [['sign', 'xa', '1 working day']],
];

describe('the dossier path on the local engines, in simulated time', () => {
  // AWS's default policy never parks; the embedded stack parks waits longer than two hours: same outcome.
  it.each([
    ['never parked', null],
    ['parked at long waits', 120],
  ] as const)(
    'runs three stages (two units in parallel in the middle) to an early result with no notice, %s',
    async (_, parkAfterMinutes) => {
      // Prepare
      const events = [
        ...PROVINCE,
        received('HS-1', '2026-03-02T08:00:00+07:00', '10 working days', THREE_STAGES),
        completed('HS-1', 'receive', '2026-03-02T09:00:00+07:00'),
        completed('HS-1', 'tax', '2026-03-02T14:00:00+07:00'),
        completed('HS-1', 'land', '2026-03-03T10:00:00+07:00'),
        completed('HS-1', 'sign', '2026-03-03T15:00:00+07:00'),
        event('HS-1', 'dossier.resolved', '2026-03-04T08:00:00+07:00'),
      ];
      // Act
      const r = await replay({ lines: lines(events), stack: { parkAfterMinutes } });
      // Assess
      expect(r.notices).toEqual([]);
      expect(r.rejected).toEqual([]);
      const d = r.dossiers[0]!;
      expect(d).toMatchObject({
        dossierId: 'HS-1',
        status: 'resolved',
        outcome: 'early',
        minutesLate: 0,
        responsibleUnitId: null,
      });
      expect(d.steps.map((s) => [s.stepId, s.stage, s.handedOverAt, s.completedAt, s.result])).toEqual([
        ['receive', 0, '2026-03-02T08:00:00+07:00', '2026-03-02T09:00:00+07:00', 'early'],
        ['land', 1, '2026-03-02T09:00:00+07:00', '2026-03-03T10:00:00+07:00', 'early'],
        ['tax', 1, '2026-03-02T09:00:00+07:00', '2026-03-02T14:00:00+07:00', 'early'],
        ['sign', 2, '2026-03-03T10:00:00+07:00', '2026-03-03T15:00:00+07:00', 'early'],
      ]);
      if (parkAfterMinutes === null) {
        expect(r.stats.executions).toBe(1);
        // Cost: one state entered per step when no checkpoint is needed (target: at most 18).
        expect(r.stats.stateTransitions).toBeLessThanOrEqual(18);
      } else {
        // Every stage's waits are days long: the execution parks, and each event starts the next attempt.
        expect(r.stats.parkedExecutions).toBeGreaterThan(0);
        expect(r.stats).toMatchObject({
          executions: 1 + r.stats.parkedExecutions,
          openExecutions: 0,
          failedExecutions: 0,
        });
      }
    },
  );

  it('warns the unit at its threshold, is overdue at the due instant to the minute, and names the unit at fault', async () => {
    const events = [
      ...PROVINCE,
      received('HS-2', '2026-03-02T09:00:00+07:00', '5 working days', THREE_STAGES),
      completed('HS-2', 'receive', '2026-03-02T16:00:00+07:00'),
      completed('HS-2', 'tax', '2026-03-03T10:00:00+07:00'),
      completed('HS-2', 'land', '2026-03-16T10:00:00+07:00'),
      completed('HS-2', 'sign', '2026-03-16T15:00:00+07:00'),
      event('HS-2', 'dossier.resolved', '2026-03-17T09:00:00+07:00'),
    ];
    const r = await replay({ lines: lines(events) });
    // The land office's 3 working days run from Mon 2/3 16:00 (budget 60 + 3 x 480 = 1,500 minutes);
    // 75 % (1,125 minutes) is reached Thu 5/3 08:45; decisions wait a minute for late deliveries.
    expect(r.notices.find((n) => n.noticeId === 'HS-2/step.warning/land/v0')).toMatchObject({
      unitId: 'vpdk',
      dueAt: '2026-03-05T08:45:00+07:00',
      at: '2026-03-05T08:46:00+07:00',
    });
    // Due Mon 9/3 17:00 (5 working days after Mon 2/3): overdue at that minute; heads hear of it at the
    // next working opening (Tue 07:00), then up the ladder.
    expect(r.dossiers[0]!.steps.length).toBe(4);
    const rung = (n: number) =>
      r.notices
        .filter((x) => x.kind === 'head.escalation' && x.rung === n && !x.noticeId.startsWith('batch/'))
        .map((x) => [x.unitId, x.dueAt, x.at]);
    expect(rung(1)).toEqual([['vpdk', '2026-03-09T17:00:00+07:00', '2026-03-10T07:01:00+07:00']]);
    // The land office was late on Thu 5/3 (its own due Thu 17:00 passed): the citizen's apology went out
    // Fri 6/3 07:00 with a new date, 10/3 (the sign step's day left); missing it went straight to rung 2.
    const apology = r.notices.find((n) => n.kind === 'citizen.apology')!;
    expect(apology).toMatchObject({
      unitId: 'vpdk',
      dueAt: '2026-03-06T07:00:00+07:00',
      at: '2026-03-06T07:01:00+07:00',
      status: 'sent',
    });
    expect(apology.text).toContain('Hen tra ket qua moi: ngay 10/03/2026');
    expect(r.dossiers[0]!.dueAt).toBe('2026-03-10T17:00:00+07:00');
    expect(rung(2)).toEqual([['so', '2026-03-10T17:00:00+07:00', '2026-03-11T07:01:00+07:00']]);
    expect(rung(3).length).toBe(1);
    expect(r.dossiers[0]).toMatchObject({ status: 'resolved', outcome: 'late', responsibleUnitId: 'vpdk' });
    // Late from 9/3 17:00 to 16/3 15:00: 4 full working days, then 07:00-11:30 and 13:30-15:00.
    expect(r.dossiers[0]!.minutesLate).toBe(4 * 480 + 270 + 90);
    expect(r.dossiers[0]!.steps.find((s) => s.stepId === 'land')!.result).toBe('late');
    // Every SMS went to a masked mobile number; a warning went to the topic and the morning digest.
    for (const n of r.notices.filter((x) => x.parts !== null)) expect(n.to).toMatch(/^\+84 9xx xxx \d{3}$/);
    expect(r.notices.find((n) => n.noticeId === 'HS-2/step.warning/land/v0')).toMatchObject({
      status: 'folded',
      to: null,
    });
  });

  it('a supplement pause shifts the due instant by the paused working time; restart mode restarts', async () => {
    const path: [string, string, string][][] = [[['appraise', 'so', '10 working days']]];
    const run = (mode: 'pause' | 'restart') =>
      replay({
        lines: lines([
          ...PROVINCE,
          received('HS-3', '2026-03-09T08:00:00+07:00', '10 working days', path, { supplementMode: mode }),
          event('HS-3', 'supplement.requested', '2026-03-12T09:00:00+07:00'),
          event('HS-3', 'supplement.received', '2026-03-18T15:00:00+07:00'),
        ]),
        until: parseInstant('2026-03-19T08:00:00+07:00'),
      });
    const paused = await run('pause');
    // 23/3 17:00 without the pause; paused 2,160 working minutes (Thu 09:00 to Wed 15:00).
    expect(paused.dossiers[0]!.dueAt).toBe('2026-03-30T11:00:00+07:00');
    expect(paused.dossiers[0]!.status).toBe('in_progress');
    const restarted = await run('restart');
    expect(restarted.dossiers[0]!.dueAt).toBe('2026-04-01T17:00:00+07:00');
  });

  it('keeps what cannot apply with its reason and rejects malformed lines naming the field', async () => {
    const events = [
      ...PROVINCE,
      completed('HS-4', 'receive', '2026-03-02T08:30:00+07:00'), // before its dossier: kept, then applied
      received('HS-4', '2026-03-02T08:00:00+07:00', '1 working day', [[['receive', 'xa', '1 working day']]]),
      completed('HS-4', 'nowhere', '2026-03-02T09:00:00+07:00'),
      completed('HS-9', 'receive', '2026-03-02T09:00:00+07:00'),
      { ...completed('HS-4', 'x', '2026-03-02T09:00:00+07:00'), stepId: undefined, eventId: 'bad-1' },
    ];
    const r = await replay({ lines: [...lines(events), 'not json'] });
    expect(r.dossiers[0]).toMatchObject({ status: 'processed', outcome: 'early' });
    expect(r.rejected).toEqual(
      expect.arrayContaining([
        { eventId: null, reason: 'line 11: not JSON' },
        { eventId: 'bad-1', reason: 'stepId: is required' },
        { eventId: 'HS-4-nowhere-done', reason: 'step "nowhere" is not on the path of dossier HS-4' },
        { eventId: 'HS-9-receive-done', reason: 'dossier HS-9 was never received' },
      ]),
    );
    expect(r.rejected).toHaveLength(4);
  });
});
