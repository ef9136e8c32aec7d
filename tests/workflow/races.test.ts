import { describe, expect, it } from 'vitest';
import { computeDueAt } from '../../functions/core/clock.ts';
import { formatInstant, MINUTE_MS, parseInstant } from '../../functions/core/instant.ts';
import { loadCalendar } from '../../functions/reference/data.ts';
import { replay } from '../../local/replay.ts';
import { seededRandom } from '../../local/tools/random.ts';
import { completed, EXAMPLES, lines, PROVINCE, received } from '../support/events.ts';

describe('races and redelivery', () => {
  it('1,000 completions within ±1 s of a checkpoint timeout: none lost, no execution stuck', async () => {
    const calendar = loadCalendar();
    const rnd = seededRandom(7);
    const events = [...PROVINCE];
    const expected = new Map<string, string>();
    const start = parseInstant('2026-03-02T07:00:00+07:00');
    for (let i = 0; i < 1000; i++) {
      const dossierId = `R-${String(i).padStart(4, '0')}`;
      const receivedAt = start + i * 7 * MINUTE_MS;
      // The step's first checkpoint is its warning: 75 % of 4 working hours after the effective receipt.
      const checkpointAt = computeDueAt(calendar, receivedAt, { amount: 3, unit: 'hours' });
      const doneAt = checkpointAt + Math.round((rnd() * 2 - 1) * 1000);
      events.push(
        received(dossierId, formatInstant(receivedAt), '1 working day', [[['work', 'xa', '4 working hours']]]),
      );
      events.push(completed(dossierId, 'work', formatInstant(doneAt)));
      expected.set(dossierId, formatInstant(doneAt));
    }
    const r = await replay({ lines: lines(events) });
    expect(r.rejected).toEqual([]);
    expect(r.dossiers).toHaveLength(1000);
    for (const d of r.dossiers) {
      expect(d.steps[0]!.completedAt, d.dossierId).toBe(expected.get(d.dossierId));
      expect(d.status, d.dossierId).toBe('processed');
    }
    // One execution per dossier, and one more after each that parked at a long wait.
    expect(r.stats).toMatchObject({
      executions: 1000 + r.stats.parkedExecutions,
      openExecutions: 0,
      failedExecutions: 0,
    });
    // A warning is sent only when the completion came after the checkpoint, and never twice.
    const ids = r.notices.map((n) => n.noticeId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(r.notices.every((n) => n.kind === 'step.warning')).toBe(true);
  });

  it('every event delivered three times and shuffled within a minute gives the same final state and no duplicate notice', async () => {
    const clean = await replay({ lines: EXAMPLES });
    const rnd = seededRandom(11);
    const jitter = new Map<number, number>();
    const tripled = EXAMPLES.flatMap((l) => [l, l, l]);
    const shuffled = await replay({
      lines: tripled,
      // Each copy arrives up to a minute after its instant, in an order of its own.
      deliverAt: ({ at, line }) => {
        if (!jitter.has(line)) jitter.set(line, Math.floor(rnd() * 60_000));
        return (at ?? 0) + jitter.get(line)!;
      },
    });
    expect(shuffled.dossiers).toEqual(clean.dossiers);
    const view = (r: typeof clean) =>
      r.notices
        .map((n) => ({ noticeId: n.noticeId, unitId: n.unitId, text: n.text, status: n.status }))
        .sort((a, b) => a.noticeId.localeCompare(b.noticeId));
    expect(view(shuffled)).toEqual(view(clean));
    expect(new Set(shuffled.notices.map((n) => n.noticeId)).size).toBe(shuffled.notices.length);
    // Each copy of a line that is not JSON is refused; everything else is refused once, for one reason.
    const rejectedIds = (r: typeof clean) =>
      [...new Set(r.rejected.filter((x) => x.eventId !== null).map((x) => `${x.eventId}: ${x.reason}`))].sort();
    expect(rejectedIds(shuffled)).toEqual(rejectedIds(clean));
    expect(shuffled.rejected.filter((x) => x.eventId === null)).toHaveLength(
      3 * clean.rejected.filter((x) => x.eventId === null).length,
    );
    // Parking depends on when events come (an event wakes a parked dossier at once): not counted.
    const lives = (r: typeof clean) => r.stats.executions - r.stats.parkedExecutions;
    expect(lives(shuffled)).toBe(lives(clean));
  });
});
