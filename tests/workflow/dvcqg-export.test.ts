import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../functions/core/instant.ts';
import { loadCalendar } from '../../functions/reference/data.ts';
import { replay } from '../../local/replay.ts';
import { loadProvince } from '../../local/simulate/province.ts';
import { generateWorkload } from '../../local/simulate/workload.ts';
import { exportDvcqg } from '../../local/tools/dvcqg-export.ts';
import { compareReplays } from '../../local/tools/replay-compare.ts';
import { catalogueText } from '../../local/tools/simulation-catalogue.ts';

/**
 * The closing check of the feed, at small size (`npm run bench -- dvcqg` runs it at 2,000 dossiers and
 * more): a simulated season exported as the national portal's feed and replayed with --format dvcqg
 * ends every dossier as the native replay does.
 */

describe('a simulated season through the national portal’s feed', () => {
  it('keeps the simulated province’s catalogue in step with its model', () => {
    const file = readFileSync(new URL('../../data/procedures/daklak.json', import.meta.url), 'utf8');
    // Regenerate with: npx tsx local/tools/simulation-catalogue.ts
    expect(file).toBe(catalogueText(loadProvince()));
  });

  it('gives every dossier the same outcome as the native replay', async () => {
    const calendar = loadCalendar();
    const workload = generateWorkload(loadProvince(), calendar, {
      start: parseInstant('2026-04-20T00:00:00+07:00'),
      days: 8,
      perDay: 12,
      seed: 3,
    });
    const native = await replay({ lines: workload.lines, until: workload.end });
    const feedLines = exportDvcqg(workload.lines, calendar);
    const services = new Set(feedLines.map((l) => (JSON.parse(l) as { service?: string }).service ?? 'native'));
    expect([...services].sort()).toEqual(['CapNhatTienDoHoSoMC', 'DongBoHoSoMC', 'native']);
    const feed = await replay({
      lines: feedLines,
      format: 'dvcqg',
      until: workload.end,
      stack: { catalogue: 'daklak', feed: 'daklak' },
    });
    expect(feed.rejected).toEqual([]);
    expect(feed.findings).toEqual([]);
    const c = compareReplays(native, feed);
    expect(c.examples).toEqual([]);
    expect(c.same).toBe(c.dossiers);
    expect(c.dossiers).toBe(96);
    // Not vacuous: finished, late and still open dossiers are all there.
    const outcomes = new Set(native.dossiers.map((d) => d.outcome));
    expect(outcomes).toEqual(new Set(['early', 'on_time', 'late', null]));
  });
});
