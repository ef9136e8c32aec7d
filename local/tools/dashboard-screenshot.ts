/**
 * The README's picture of the dashboard: `npx tsx local/tools/dashboard-screenshot.ts [docs/dashboard.png]`. A short
 * season of the synthetic Đắk Lắk (the simulator's province and workload) is fed on real time into a local stack ending
 * today, the dashboard is served as `dunghan serve` serves it, and headless Chromium photographs the province's page.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dayOf, parseInstant, startOfDay } from '../../functions/core/instant.ts';
import { loadCalendar } from '../../functions/reference/data.ts';
import { serveHttp } from '../server.ts';
import { loadProvince } from '../simulate/province.ts';
import { generateWorkload } from '../simulate/workload.ts';
import { startLocalStack } from '../stack.ts';
import { launchChromium } from './chromium.ts';
import { buildDashboard } from './dashboard-build.ts';

const [output = 'docs/dashboard.png'] = process.argv.slice(2);
const now = Date.now();
const workload = generateWorkload(loadProvince(), loadCalendar(), {
  start: startOfDay(dayOf(now) - 20),
  days: 20,
  perDay: 20,
  seed: 3,
});
const stack = await startLocalStack();
const server = await serveHttp(stack, 0, '127.0.0.1', {
  dashboardDir: await buildDashboard(mkdtempSync(join(tmpdir(), 'dunghan-dashboard-'))),
});
try {
  const lines = workload.lines
    .map((line) => ({ line, at: parseInstant((JSON.parse(line) as { at: string }).at) }))
    .filter((l) => l.at <= now)
    .sort((a, b) => a.at - b.at);
  for (const { line } of lines) await stack.request('POST', '/events', line);
  // The executions catch up with a season's checkpoints and notices.
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1500 } });
    await page.goto(`${server.url}/`);
    await page.locator('#sign-in select[name=unitId]').selectOption('ubnd-tinh');
    await page.locator('#sign-in select[name=role]').selectOption('province');
    await page.locator('#sign-in button').click();
    await page.locator('#chart-overdue svg').waitFor();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: output, fullPage: false });
    console.log(`wrote ${output} (${lines.length} events)`);
  } finally {
    await browser.close();
  }
} finally {
  server.server.close();
  await stack.close();
}
