import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dayFromIsoDate, startOfDay } from '../../functions/core/instant.ts';
import { OUTPUT_FILES, simulate } from '../../local/simulate/run.ts';
import { CHROMIUM, hasChromium, launchChromium } from '../../local/tools/chromium.ts';
import { tempDir } from '../support/temp.ts';

// .ci/run installs Debian's chromium; a machine with only Node skips this file and says why.
describe.skipIf(!hasChromium)(`the HTML report in headless Chromium (${CHROMIUM})`, () => {
  const outDir = tempDir('dunghan-report-');
  it('renders its three charts and one table row per unit, from disk, with no network', async () => {
    const out = outDir();
    const { summary } = await simulate({
      start: startOfDay(dayFromIsoDate('2026-04-20')),
      days: 10,
      perDay: 10,
      seed: 8,
      out,
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(join(out, OUTPUT_FILES.report)).href);
      for (const id of ['chart-on-time', 'chart-overdue', 'chart-notices']) {
        const svg = page.locator(`#${id} svg`);
        const box = await svg.boundingBox();
        expect(box?.width, id).toBeGreaterThan(300);
        expect(box?.height, id).toBeGreaterThan(50);
        const marks = await svg.locator('rect, polyline').evaluateAll(
          (els) =>
            els.filter((e) => {
              const b = e.getBoundingClientRect();
              return b.width > 0 && b.height >= 0;
            }).length,
        );
        expect(marks, id).toBeGreaterThan(1);
      }
      expect(await page.locator('#units tbody tr').count()).toBe(summary.units.length);
      expect(await page.locator('#units tfoot td').first().textContent()).toBe(String(summary.totals.received));
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
