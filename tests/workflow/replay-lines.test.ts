import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../functions/core/instant.ts';
import { replay } from '../../local/replay.ts';
import { completed, lines, PROVINCE, received } from '../support/events.ts';

// A month of a province is hundreds of megabytes of lines: the replay reads them once, from any iterable, so
// that a caller can hand them over without keeping them (local/simulate/run.ts).
describe('replay lines', () => {
  const season = [
    ...lines([
      ...PROVINCE,
      received('L-1', '2026-03-02T08:00:00+07:00', '2 working days', [[['work', 'xa', '1 working day']]]),
      received('L-2', '2026-03-02T09:00:00+07:00', '1 working day', [[['work', 'xa', '1 working day']]]),
      completed('L-1', 'work', '2026-03-03T10:00:00+07:00'),
    ]),
    '   ',
    'not json',
  ];
  const until = parseInstant('2026-03-06T12:00:00+07:00');

  it('reads a generator once, and replays it as it replays the same lines in an array', async () => {
    let reads = 0;
    function* source() {
      for (const line of season) {
        reads++;
        yield line;
      }
    }
    const fromArray = await replay({ lines: season, until });
    const fromGenerator = await replay({ lines: source(), until });
    expect(reads).toBe(season.length);
    expect(fromGenerator.dossiers).toEqual(fromArray.dossiers);
    expect(fromGenerator.notices).toEqual(fromArray.notices);
    expect(fromGenerator.rejected).toEqual(fromArray.rejected);
    expect(fromArray.rejected).toContainEqual({ eventId: null, reason: `line ${season.length}: not JSON` });
    expect(fromArray.dossiers.map((d) => d.dossierId)).toEqual(['L-1', 'L-2']);
  });
});
