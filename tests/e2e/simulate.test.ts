import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dayFromIsoDate, parseInstant, startOfDay } from '../../functions/core/instant.ts';
import { normaliseMobile } from '../../functions/core/phone.ts';
import { loadCalendar } from '../../functions/reference/data.ts';
import { loadProvince } from '../../local/simulate/province.ts';
import { formatTable } from '../../local/simulate/report.ts';
import { OUTPUT_FILES, type Simulation, simulate } from '../../local/simulate/run.ts';
import { generateWorkload } from '../../local/simulate/workload.ts';
import { tempDir } from '../support/temp.ts';

// A small season: 15 days of 20 dossiers a day (seed 8: late dossiers with and without an officer apology), through the
// real path (intake handler, the ASL on the local engine, the outbox), run twice with the same seed.
const OPTIONS = { start: startOfDay(dayFromIsoDate('2026-04-20')), days: 15, perDay: 20, seed: 8 };

describe('dunghan simulate (a small season)', () => {
  let run: Simulation;
  let again: Simulation;
  const outDir = tempDir('dunghan-sim-');
  let out: string;
  beforeAll(async () => {
    out = outDir();
    run = await simulate({ ...OPTIONS, out });
    again = await simulate({ ...OPTIONS, out: null });
  }, 240_000);

  it('judges late exactly the dossiers the workload resolved after their statutory due', () => {
    const late = run.result.dossiers
      .filter((d) => d.outcome === 'late')
      .map((d) => d.dossierId)
      .sort();
    expect(late.length).toBeGreaterThan(0);
    expect(late).toEqual([...run.expectedLate].sort());
    expect(run.result.stats.failedExecutions).toBe(0);
    expect(run.result.rejected).toEqual([]);
  });

  it('gives every dossier resolved late exactly one citizen apology, unless its officer already apologised', () => {
    const apologies = new Map<string, number>();
    for (const n of run.result.notices) {
      if (n.kind === 'citizen.apology' && (n.status === 'sent' || n.status === 'undeliverable'))
        apologies.set(n.dossierId, (apologies.get(n.dossierId) ?? 0) + 1);
    }
    let officer = 0;
    for (const d of run.result.dossiers.filter((x) => x.outcome === 'late')) {
      if (run.officerApologised.has(d.dossierId)) {
        officer++;
        expect(apologies.get(d.dossierId) ?? 0, d.dossierId).toBe(0);
      } else {
        expect(apologies.get(d.dossierId), d.dossierId).toBe(1);
      }
    }
    for (const count of apologies.values()) expect(count).toBe(1);
    expect(officer).toBeGreaterThan(0);
  });

  it('sends no notice about a dossier after it is resolved', () => {
    const finished = new Map(
      run.result.dossiers.map((d) => [d.dossierId, d.finishedAt === null ? Infinity : parseInstant(d.finishedAt)]),
    );
    let checked = 0;
    for (const n of run.result.notices) {
      // Sent, folded into a digest or joined to a batch: each is settled while its dossier is open.
      if (!['sent', 'folded', 'batched'].includes(n.status) || n.kind === 'digest') continue;
      checked++;
      // A batch of escalations names its dossiers in its text: each was still open when it went out.
      const about = n.dossierId.startsWith('BATCH-') ? (n.text!.match(/HS-\d{6}/g) ?? []) : [n.dossierId];
      for (const id of about)
        expect(parseInstant(n.at!), `${n.noticeId} sent ${n.at}`).toBeLessThanOrEqual(finished.get(id)!);
    }
    expect(checked).toBeGreaterThan(50);
    // Anything left pending at the end belongs to an open dossier.
    for (const n of run.result.notices.filter((x) => x.status === 'pending' && x.kind !== 'digest'))
      expect(finished.get(n.dossierId), n.noticeId).toBe(Infinity);
  });

  it('agrees with itself: the table, the outbox NDJSON, the CSV and the HTML', () => {
    const s = run.summary;
    const outbox = readFileSync(join(out, OUTPUT_FILES.outbox), 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { noticeId: string; kind: string; status: string; rung: number | null; to: string | null },
      );
    expect(outbox.length).toBe(run.result.notices.length);
    // A notice reached its recipient when sent, folded into a morning digest, or batched into one SMS (the
    // batch itself is counted through its members).
    const reached = (kind: string) =>
      outbox.filter(
        (n) => n.kind === kind && ['sent', 'folded', 'batched'].includes(n.status) && !n.noticeId.startsWith('batch/'),
      );
    expect(outbox.filter((n) => n.kind === 'citizen.apology' && n.status === 'sent').length).toBe(
      s.totals.apologiesSent,
    );
    for (const kind of Object.keys(s.notices.byKind)) expect(reached(kind).length, kind).toBe(s.notices.byKind[kind]);
    for (const rung of [1, 2])
      expect(reached('head.escalation').filter((n) => n.rung === rung).length).toBe(s.totals.escalations[rung - 1]);
    // The SMS parts the summary reports are those of the SMS sent.
    expect(s.notices.sms.parts).toBe(
      run.result.notices
        .filter((n) => n.status === 'sent' && n.parts !== null && (n.channels ?? ['sms']).includes('sms'))
        .reduce((a, n) => a + n.parts!, 0),
    );
    // Phone numbers never appear in full in the outbox file.
    for (const n of outbox) if (n.to) expect(n.to).toMatch(/^\+84 \dxx xxx \d{3}$/);

    const table = formatTable(s).split('\n');
    expect(table.length).toBe(s.units.length + 2);
    const total = table.at(-1)!.trim().split(/\s+/).slice(-13);
    expect(total.slice(0, 10).map(Number)).toEqual([
      s.totals.received,
      s.totals.finished,
      s.totals.early,
      s.totals.onTime,
      s.totals.late,
      s.totals.lateCaused,
      s.totals.open,
      s.totals.openOverdue,
      s.totals.apologiesSent,
      s.totals.officerApologies,
    ]);
    expect(s.totals.received).toBe(run.result.dossiers.length);
    expect(s.totals.early + s.totals.onTime + s.totals.late).toBe(s.totals.finished);

    const csv = readFileSync(join(out, OUTPUT_FILES.units), 'utf8').trim().split('\n');
    expect(csv.length).toBe(s.units.length + 2);
    const html = readFileSync(join(out, OUTPUT_FILES.report), 'utf8');
    expect(html.match(/<tr data-unit=/g)?.length).toBe(s.units.length);
    expect(s.units.length).toBe(loadProvince().units.length);
    const foot = /<tfoot><tr><th scope="row">[^<]*<\/th>(.*?)<\/tr><\/tfoot>/.exec(html)![1]!;
    const footCells = [...foot.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(footCells.slice(0, 10).map(Number)).toEqual(total.slice(0, 10).map(Number));
    expect(footCells[10]).toBe(s.totals.escalations.join(' / '));
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);

    const sheets = readFileSync(join(out, OUTPUT_FILES.lateSheets), 'utf8').trim().split('\n').slice(1);
    const lateInSheets = new Set(sheets.map((l) => l.split(',')[0]));
    expect(lateInSheets.size).toBe(s.totals.late + s.totals.openOverdue);
  });

  it('gives byte-identical outputs for the same seed', () => {
    for (const name of Object.values(OUTPUT_FILES)) {
      const [a, b] = [run.files[name]!, again.files[name]!];
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      expect(b.slice(Math.max(0, i - 120), i + 60), name).toBe(a.slice(Math.max(0, i - 120), i + 60));
      expect(b.length, name).toBe(a.length);
    }
  });

  it('draws a season like the seed: valid mobiles (a few landlines), priority citizens, supplements, online receipts on days off', () => {
    const province = loadProvince();
    const workload = generateWorkload(province, loadCalendar(), { ...OPTIONS, days: 30, perDay: 200 });
    // The generated lines, as far as this test reads them.
    type Line = {
      type: string;
      at: string;
      unitId?: string;
      head: { phone: string };
      applicant: { phone: string; priority?: string };
    };
    const events = workload.lines.map((l) => JSON.parse(l) as Line);
    const heads = events.filter((e) => e.type === 'unit.upserted');
    expect(heads.length).toBe(province.units.length);
    for (const h of heads) expect(normaliseMobile(h.head.phone).ok, h.unitId).toBe(true);
    const received = events.filter((e) => e.type === 'dossier.received');
    expect(received.length).toBe(6000);
    const mobiles = received.filter((e) => normaliseMobile(e.applicant.phone).ok).length;
    expect(mobiles / received.length).toBeGreaterThan(0.99);
    expect(mobiles).toBeLessThan(received.length);
    const priority = received.filter((e) => e.applicant.priority).length / received.length;
    expect(priority).toBeGreaterThan(0.03);
    expect(priority).toBeLessThan(0.07);
    expect(events.filter((e) => e.type === 'supplement.requested').length).toBeGreaterThan(10);
    // Online receipts on weekends and on the 30/4-1/5 holidays.
    const daysOff = received.filter((e) => ['2026-04-25', '2026-04-30', '2026-05-01'].includes(e.at.slice(0, 10)));
    expect(daysOff.length).toBeGreaterThan(0);
    // 102 communes and wards receive, and the late-prone units of letter 002 (docs/law.md §8) exist.
    expect(province.communes.length).toBe(102);
    for (const id of [
      'cong-an-tinh',
      'so-nnmt',
      'xa-ia-lop',
      'xa-ea-rok',
      'xa-ea-drang',
      'xa-ea-ktur',
      'xa-ea-kar',
      'xa-ea-khal',
    ])
      expect(province.unitById.get(id)?.lateRate, id).toBeGreaterThan(0.1);
    // About 3.4 % of the dossiers finished in the period are late (letter 002 of docs/law.md §8: 3.39 %).
    const finished = events.filter(
      (e) => (e.type === 'dossier.resolved' || e.type === 'dossier.rejected') && parseInstant(e.at) < workload.end,
    ).length;
    expect(workload.expectedLate.length / finished).toBeGreaterThan(0.02);
    expect(workload.expectedLate.length / finished).toBeLessThan(0.05);
  });
});
