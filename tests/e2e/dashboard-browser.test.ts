import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf, formatInstant, isoDateOf, startOfDay } from '../../functions/core/instant.ts';
import { loadCalendar } from '../../functions/reference/data.ts';
import { serveHttp } from '../../local/server.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { CHROMIUM, hasChromium, launchChromium } from '../../local/tools/chromium.ts';
import { buildDashboard } from '../../local/tools/dashboard-build.ts';
import { completed, type Json, received, unit } from '../support/events.ts';
import { tempDir } from '../support/temp.ts';

// The dashboard on `dunghan serve`'s server (real time, the real stack), in Debian's headless Chromium: the province
// signs in and sees its table and charts; a commune head signs in, finds an overdue dossier, reschedules it with an
// apology and sees it in the timeline.
const calendar = loadCalendar();
const now = Date.now();
// A week ago at 08:00 in Vietnam, one working day to do it: past due now whatever the holidays.
const weekAgo = formatInstant(startOfDay(dayOf(now) - 7) + 8 * 3_600_000);
const at = (t: number) => formatInstant(t);

const EVENTS: Json[] = [
  { ...unit('tinh'), name: 'Văn phòng UBND tỉnh' },
  { ...unit('xa', 'tinh'), name: 'UBND xã Hòa Phú' },
  { ...unit('xa2', 'tinh'), name: 'UBND phường Tân Lập' },
  // Overdue at the commune; the applicant's number is a landline, so dunghan's SMS apology cannot go and the
  // reschedule is the head's to make.
  received('D-OVER', weekAgo, '1 working day', [[['a', 'xa', '1 working day']]], {
    applicant: { name: 'Trần Thị B', phone: '02623812345' },
  }),
  received('D-DONE', weekAgo, '5 working days', [[['a', 'xa', '5 working days']]]),
  completed('D-DONE', 'a', at(calendar.addWorkingMinutes(Date.parse(weekAgo), 120))),
  received('D-OTHER', weekAgo, '1 working day', [[['a', 'xa2', '1 working day']]]),
];

const dashboardOut = tempDir('dunghan-dashboard-');
let stack: LocalStack;
let url: string;
let close: () => void;

beforeAll(async () => {
  const dashboardDir = await buildDashboard(dashboardOut());
  stack = await startLocalStack();
  for (const e of EVENTS)
    expect((await stack.request('POST', '/events', JSON.stringify(e))).statusCode).toBeLessThan(300);
  const served = await serveHttp(stack, 0, '127.0.0.1', { dashboardDir });
  url = served.url;
  close = () => served.server.close();
}, 120_000);
afterAll(async () => {
  close?.();
  await stack?.close();
});

describe.skipIf(!hasChromium)(`the dashboard in headless Chromium (${CHROMIUM})`, () => {
  it('signs in, shows the table and charts, and lets a commune head reschedule an overdue dossier', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const signIn = async (unitId: string, role: string) => {
        await page.goto(`${url}/`);
        await page.locator('#sign-in select[name=unitId]').selectOption(unitId);
        await page.locator('#sign-in select[name=role]').selectOption(role);
        await page.locator('#sign-in button').click();
      };

      // The provincial office: one row per unit, and both charts drawn.
      await signIn('tinh', 'province');
      await page.locator('#units tbody tr').first().waitFor();
      expect(await page.locator('#units tbody tr').count()).toBe(3);
      expect(await page.locator('#units tfoot td').nth(1).textContent()).toBe('3');
      for (const id of ['chart-on-time', 'chart-overdue']) {
        const svg = page.locator(`#${id} svg`);
        await svg.waitFor();
        expect((await svg.boundingBox())?.width, id).toBeGreaterThan(300);
        expect(await svg.locator('path').count(), id).toBeGreaterThan(3);
      }

      // The commune head: their row only; their overdue list; the dossier; the apology.
      await page.locator('#nav button').click();
      await signIn('xa', 'head');
      await page.locator('#units tbody tr').first().waitFor();
      expect(await page.locator('#units tbody tr').count()).toBe(1);
      await page.locator('#nav a', { hasText: 'Hồ sơ của đơn vị' }).click();
      await page.locator('#overdue a', { hasText: 'D-OVER' }).click();
      await page.locator('#apology-form').waitFor();
      const newDay = isoDateOf(dayOf(calendar.closeOfNthWorkingDayAfter(now, 3)));
      await page.locator('#apology-form select[name=reasonCode]').selectOption('verification');
      await page.locator('#apology-form input[name=reasonText]').fill('chờ trích lục bản đồ');
      await page.locator('#apology-form input[name=newDueDate]').fill(newDay);
      await page.locator('#apology-form input[name=late]').check();
      await page.locator('#apology-form button').click();
      const entry = page.locator('#timeline li[data-type="apology.issued"]');
      await entry.waitFor({ timeout: 15_000 });
      expect(await entry.textContent()).toContain('chờ trích lục bản đồ');
      expect(await page.locator('#apology').textContent()).toContain('Chỉ được hẹn lại một lần');
      // The other commune's dossier is not theirs.
      await page.goto(`${url}/#/dossier/D-OTHER`);
      await page.locator('.message.error').waitFor();
      expect(requests.filter((u) => !u.startsWith(url))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
