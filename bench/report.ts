/**
 * The report and the dashboard, measured.
 *
 *   npm run bench -- report agree           npm start's season: GET /reports/units on the simulated stack at the
 *                                           period's end, against the simulator's table (every unit and the province)
 *   npm run bench -- report load [100000]   the province's page in headless Chromium with that many dossiers in the
 *                                           store: sign-in to the table and both charts drawn, median of 5 loads
 *
 * Each prints a final JSON line.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UnitsReport } from '../functions/app/reports/units.ts';
import { dayFromIsoDate, dayOf, formatInstant, isoDateOf, startOfDay } from '../functions/core/instant.ts';
import { COUNTS, type UnitRow } from '../functions/core/report.ts';
import { SIMULATION_DEFAULTS } from '../local/commands/simulate.ts';
import { serveHttp } from '../local/server.ts';
import { loadProvince } from '../local/simulate/province.ts';
import { simulate } from '../local/simulate/run.ts';
import { startLocalStack } from '../local/stack.ts';
import { launchChromium } from '../local/tools/chromium.ts';
import { buildDashboard } from '../local/tools/dashboard-build.ts';
import { seededRandom } from '../local/tools/random.ts';

const mode = process.argv[3] ?? 'agree';
const figures = (r: UnitRow) => [...COUNTS.map((k) => r[k]), ...r.escalations, r.indicator21, r.points];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (mode === 'agree') {
  const start = startOfDay(dayFromIsoDate(SIMULATION_DEFAULTS.start));
  const lastDay = isoDateOf(dayOf(start) + SIMULATION_DEFAULTS.days - 1);
  let api: UnitsReport | null = null;
  const { summary } = await simulate({
    start,
    days: SIMULATION_DEFAULTS.days,
    perDay: SIMULATION_DEFAULTS.perDay,
    seed: SIMULATION_DEFAULTS.seed,
    out: null,
    async atEnd(stack) {
      const r = await stack.request('GET', `/reports/units?from=${SIMULATION_DEFAULTS.start}&to=${lastDay}`);
      api = JSON.parse(r.body) as UnitsReport;
    },
  });
  const report = api as unknown as UnitsReport;
  const byUnit = new Map(report.units.map((u) => [u.unitId, u]));
  const differing = summary.units
    .filter(
      (u) => JSON.stringify(figures(u)) !== JSON.stringify(figures(byUnit.get(u.unitId) ?? u)) || !byUnit.has(u.unitId),
    )
    .map((u) => u.unitId);
  const columns = [...COUNTS, 'escalationsR1', 'escalationsR2', 'escalationsR3', 'indicator21', 'points'];
  const row = (r: UnitRow) => Object.fromEntries(figures(r).map((v, i) => [columns[i], v]));
  console.log(
    JSON.stringify({
      bench: 'report-agree',
      period: report.period,
      simulator: row(summary.totals),
      api: row(report.totals),
      agree:
        JSON.stringify(figures(summary.totals)) === JSON.stringify(figures(report.totals)) && differing.length === 0,
      unitsCompared: summary.units.length,
      unitsDiffering: differing,
    }),
  );
} else if (mode === 'load') {
  const dossiers = Number(process.argv[4] ?? 100_000);
  const province = loadProvince();
  const stack = await startLocalStack();
  const now = Date.now();
  const rnd = seededRandom(14);
  const seeded = process.hrtime.bigint();
  for (const [i, u] of province.units.entries())
    await stack.store.units.upsert({
      unitId: u.unitId,
      name: u.name,
      parentUnitId: u.parentUnitId,
      head: { name: `Thủ trưởng ${i}`, phone: '0912000000' },
      updatedAt: 0,
    });
  // Dossiers received over the last 30 days, as the snapshots the intake writes: 85 % finished (a few late), the rest
  // open, some past their due.
  const ids = province.units.filter((u) => u.kind !== 'province').map((u) => u.unitId);
  let next = 0;
  const iso = (t: number) => formatInstant(t);
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < dossiers; i = next++) {
        if (i % 10_000 === 0)
          console.error(`seeding: ${i} dossiers, ${Math.round(process.memoryUsage().rss / 1048576)} MB`);
        const unitId = ids[Math.floor(rnd() * ids.length)]!;
        const receivedAt = now - Math.floor(rnd() * 30 * 86_400_000);
        const due = receivedAt + (1 + Math.floor(rnd() * 15)) * 86_400_000;
        const finished =
          rnd() < 0.85 ? Math.min(now, receivedAt + Math.floor(rnd() * (due - receivedAt) * 1.05)) : null;
        const open = finished === null;
        await stack.store.dossiers.save({
          dossierId: `B-${i}`,
          version: 3,
          status: open ? 'in_progress' : 'resolved',
          open,
          dueAt: iso(due),
          holderUnitId: open ? unitId : null,
          closedSteps: [],
          facts: {
            procedureCode: '1.004227',
            procedureName: 'Đăng ký biến động quyền sử dụng đất',
            receivedBy: unitId,
            receivedAt: iso(receivedAt),
            statutoryDueAt: iso(due),
            finishedAt: finished === null ? null : iso(finished),
            supplementRequests: rnd() < 0.1 ? 1 : 0,
            // Set for every open one: a dossier falling due during the run would otherwise be folded from its events,
            // which these seeded snapshots do not have.
            responsibleUnitId: finished === null || finished > due ? unitId : null,
            apologyUnitId: null,
          },
        });
      }
    }),
  );
  const seedSeconds = Number(process.hrtime.bigint() - seeded) / 1e9;
  const dir = await buildDashboard(mkdtempSync(join(tmpdir(), 'dunghan-dashboard-')));
  const served = await serveHttp(stack, 0, '127.0.0.1', { dashboardDir: dir });
  const browser = await launchChromium();
  const loads: number[] = [];
  const apiCalls: number[] = [];
  try {
    for (let run = 0; run < 5; run++) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.addInitScript(() =>
        sessionStorage.setItem('dunghan.session', JSON.stringify({ unitId: 'ubnd-tinh', role: 'province' })),
      );
      const t0 = performance.now();
      await page.goto(`${served.url}/`);
      await page.locator('#chart-overdue svg, .message.error').first().waitFor({ timeout: 300_000 });
      const error = await page.locator('.message.error').count();
      if (error > 0)
        throw new Error(`the page answered: ${await page.locator('.message.error').first().textContent()}`);
      await page
        .locator('#units tbody tr')
        .nth(province.units.length - 1)
        .waitFor();
      loads.push(performance.now() - t0);
      const a0 = performance.now();
      await page.evaluate(async () => {
        const to = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
        const from = new Date(Date.now() + 7 * 3600_000 - 29 * 86_400_000).toISOString().slice(0, 10);
        await (
          await fetch(`reports/units?from=${from}&to=${to}`, { headers: { 'x-dunghan-dev-as': 'ubnd-tinh:province' } })
        ).json();
      });
      apiCalls.push(performance.now() - a0);
      await page.close();
    }
  } finally {
    await browser.close();
    served.server.close();
    await stack.close();
  }
  console.log(
    JSON.stringify({
      bench: 'report-load',
      dossiers,
      units: province.units.length,
      seedSeconds: Math.round(seedSeconds),
      pageLoadMs: { median: Math.round(median(loads)), all: loads.map(Math.round) },
      reportApiMs: { median: Math.round(median(apiCalls)), all: apiCalls.map(Math.round) },
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} else {
  console.error('usage: npm run bench -- report agree | load [dossiers]');
  process.exit(2);
}
