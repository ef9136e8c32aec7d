import { describe, expect, it } from 'vitest';
import { foldDossier } from '../../functions/core/dossier.ts';
import { formatInstant } from '../../functions/core/instant.ts';
import { dossierFacts, portalVerdict, type ReportDossier, unitReport } from '../../functions/core/report.ts';
import { type DossierEvent, parseEvent } from '../../functions/schemas/events.ts';
import { at, calendar } from '../support/calendar.ts';
import { completed, event, type Json, received } from '../support/events.ts';

// One step at the commune, 5 working days from Mon 02/03/2026 08:00: the days start on Tue 03/03 and the fifth
// ends at the close of Mon 09/03 (docs/law.md §3).
const base = received('D', '2026-03-02T08:00:00+07:00', '5 working days', [[['a', 'xa', '5 working days']]]);
const DUE = '2026-03-09T17:00:00+07:00';
// The period is the week of 02/03 to Wed 11/03; it ends when its last day ends.
const END = at('2026-03-12T00:00:00+07:00');

const parse = (events: Json[]): DossierEvent[] =>
  events.map((e) => {
    const r = parseEvent(e);
    if (!r.ok || r.event.type === 'unit.upserted') throw new Error(JSON.stringify(r));
    return r.event;
  });
/** The dossier's facts as the report reads them at the period's end. */
const facts = (...events: Json[]): ReportDossier =>
  dossierFacts(calendar, foldDossier(calendar, parse([base, ...events]))!, END);
const pause = (from: string, to: string, n: number) => [
  { ...event('D', 'supplement.requested', from), eventId: `D-ask-${n}` },
  { ...event('D', 'supplement.received', to), eventId: `D-got-${n}` },
];

describe('indicator 2.1 by the portal rules (docs/law.md §5)', () => {
  it('subtracts supplement time: finished after the first appointment but within the moved one', () => {
    // Paused Tue 03/03 08:00 to Thu 05/03 08:00: two working days, so the appointment moves to the close of Wed 11/03.
    const d = facts(
      ...pause('2026-03-03T08:00:00+07:00', '2026-03-05T08:00:00+07:00', 1),
      completed('D', 'a', '2026-03-10T10:00:00+07:00'),
    );
    expect(formatInstant(d.statutoryDueAt!)).toBe('2026-03-11T17:00:00+07:00');
    expect(d.supplementRequests).toBe(1);
    expect(portalVerdict(d, END)).toBe('early');
  });

  it('counts a dossier asked twice for a supplement late, however early it finished', () => {
    const d = facts(
      ...pause('2026-03-03T08:00:00+07:00', '2026-03-03T10:00:00+07:00', 1),
      ...pause('2026-03-04T08:00:00+07:00', '2026-03-04T09:00:00+07:00', 2),
      completed('D', 'a', '2026-03-05T09:00:00+07:00'),
    );
    expect(d.supplementRequests).toBe(2);
    expect(d.finishedAt! < d.statutoryDueAt!).toBe(true);
    expect(portalVerdict(d, END)).toBe('late');
    // Still open, it is already late: not "open within time".
    const open = facts(
      ...pause('2026-03-03T08:00:00+07:00', '2026-03-03T10:00:00+07:00', 1),
      ...pause('2026-03-04T08:00:00+07:00', '2026-03-04T09:00:00+07:00', 2),
    );
    expect(portalVerdict(open, END)).toBe('open_overdue');
  });

  it('ends processing at the first end state: processed, though the return arrived first and came after the due', () => {
    // Delivered returned-then-processed; the processing finished on Fri 06/03, the return on Tue 10/03 (past the due).
    const d = facts(
      event('D', 'dossier.returned', '2026-03-10T09:00:00+07:00'),
      completed('D', 'a', '2026-03-06T16:00:00+07:00'),
    );
    expect(formatInstant(d.finishedAt!)).toBe('2026-03-06T16:00:00+07:00');
    expect(portalVerdict(d, END)).toBe('early');
    // Returned with no processing recorded: the return ends it, past the due: late.
    const returned = facts(event('D', 'dossier.returned', '2026-03-10T09:00:00+07:00'));
    expect(formatInstant(returned.finishedAt!)).toBe('2026-03-10T09:00:00+07:00');
    expect(portalVerdict(returned, END)).toBe('late');
  });

  it('judges an open dossier at the period end: past due is overdue, finished after the end is still open then', () => {
    const open = facts();
    expect(formatInstant(open.statutoryDueAt!)).toBe(DUE);
    expect(portalVerdict(open, END)).toBe('open_overdue');
    expect(portalVerdict(open, at('2026-03-09T00:00:00+07:00'))).toBe('open_within');
    // Finished on Wed 11/03, judged for a period that ended with Mon 09/03: open and within time then.
    const later = facts(completed('D', 'a', '2026-03-11T09:00:00+07:00'));
    expect(portalVerdict(later, at('2026-03-10T00:00:00+07:00'))).toBe('open_overdue');
    expect(portalVerdict(later, at('2026-03-09T00:00:00+07:00'))).toBe('open_within');
    expect(portalVerdict(later, END)).toBe('late');
  });

  it('scores (finished on time + open within time) ÷ received, × 20 points, per unit and for the province', () => {
    const d = (
      dossierId: string,
      receivedBy: string,
      verdict: 'early' | 'late' | 'open' | 'overdue',
    ): ReportDossier => ({
      dossierId,
      receivedBy,
      receivedAt: at('2026-03-02T08:00:00+07:00'),
      statutoryDueAt: at(verdict === 'open' ? '2026-03-20T17:00:00+07:00' : DUE),
      finishedAt:
        verdict === 'early'
          ? at('2026-03-05T08:00:00+07:00')
          : verdict === 'late'
            ? at('2026-03-10T08:00:00+07:00')
            : null,
      supplementRequests: 0,
      responsibleUnitId: verdict === 'late' || verdict === 'overdue' ? 'so' : null,
    });
    const report = unitReport({
      units: [
        { unitId: 'xa', name: 'Xã', kind: 'commune' },
        { unitId: 'so', name: 'Sở', kind: 'department' },
      ],
      dossiers: [d('1', 'xa', 'early'), d('2', 'xa', 'late'), d('3', 'xa', 'open'), d('4', 'so', 'overdue')],
      notices: [
        { noticeId: 'n1', kind: 'citizen.apology', rung: null, subjectUnitId: 'so', status: 'sent' },
        { noticeId: 'n2', kind: 'head.escalation', rung: 2, subjectUnitId: 'so', status: 'folded' },
        { noticeId: 'n3', kind: 'head.escalation', rung: 1, subjectUnitId: 'so', status: 'failed' },
      ],
      officerApologies: new Map([['xa', 1]]),
      end: END,
      provinceName: 'Tỉnh',
    });
    const xa = report.units.find((u) => u.unitId === 'xa')!;
    const so = report.units.find((u) => u.unitId === 'so')!;
    // xa: 1 early + 1 open within time (due on 20/03) of 3 received.
    expect(xa).toMatchObject({ received: 3, finished: 2, early: 1, late: 1, open: 1, openOverdue: 0 });
    expect([xa.indicator21, xa.points]).toEqual([66.67, 13.33]);
    expect(so).toMatchObject({ received: 1, open: 1, openOverdue: 1, lateCaused: 2, apologiesSent: 1 });
    expect(so.escalations).toEqual([0, 1, 0]);
    expect(report.totals).toMatchObject({
      received: 4,
      early: 1,
      late: 1,
      open: 2,
      openOverdue: 1,
      officerApologies: 1,
    });
    // (1 early + 1 open within time) ÷ 4 = 50 % = 10 of 20 points.
    expect([report.totals.indicator21, report.totals.points]).toEqual([50, 10]);
    expect(report.notices.byStatus).toEqual({ sent: 1, folded: 1, failed: 1 });
  });
});
