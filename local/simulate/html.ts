import { dayOf, isoDateOf, parseInstant } from '../../functions/core/instant.ts';
import { COUNTS, type SimulationSummary, type UnitRow } from './report.ts';

/**
 * The report as one self-contained HTML file: inline CSS and SVG charts drawn here, no script, no
 * font or image from anywhere, so that it opens from disk on a machine with no network.
 */

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (n: number) => n.toLocaleString('en-US');

const KIND_LABELS: Record<string, string> = {
  'step.warning': 'step warnings to units',
  'apology.due': 'apology reminders to units',
  'citizen.apology': 'apologies to citizens',
  'head.escalation': 'escalations to heads',
  digest: 'daily digests',
};

function barChart(
  id: string,
  title: string,
  bars: { label: string; value: number; note?: string }[],
  options: { max?: number; unit?: string; color?: string } = {},
): string {
  const rowH = 16;
  const labelW = 300;
  const plotW = 420;
  const max = options.max ?? Math.max(1, ...bars.map((b) => b.value));
  const h = bars.length * rowH + 30;
  const rows = bars
    .map((b, i) => {
      const y = 20 + i * rowH;
      const w = Math.max(0, (b.value / max) * plotW);
      return `<g><text x="${labelW - 6}" y="${y + 11}" text-anchor="end">${esc(b.label)}</text><rect x="${labelW}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 4}" fill="${options.color ?? '#2b6cb0'}"><title>${esc(b.label)}: ${esc(b.note ?? b.value)}</title></rect><text x="${(labelW + w + 4).toFixed(1)}" y="${y + 11}">${esc(b.note ?? `${b.value}${options.unit ?? ''}`)}</text></g>`;
    })
    .join('');
  return `<figure id="${id}"><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" width="${labelW + plotW + 90}" height="${h}" font-size="11">${rows}</svg></figure>`;
}

function lineChart(
  id: string,
  title: string,
  series: { name: string; color: string; points: number[] }[],
  labels: string[],
): string {
  const w = 760;
  const h = 260;
  const left = 50;
  const bottom = 40;
  const max = Math.max(1, ...series.flatMap((s) => s.points));
  const x = (i: number) => left + (labels.length <= 1 ? 0 : (i / (labels.length - 1)) * (w - left - 20));
  const y = (v: number) => 10 + (1 - v / max) * (h - bottom - 10);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(max * f));
  const axis = ticks
    .map(
      (t) =>
        `<line x1="${left}" x2="${w - 20}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#ddd"/><text x="${left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`,
    )
    .join('');
  const step = Math.max(1, Math.ceil(labels.length / 10));
  const xs = labels
    .map((l, i) =>
      i % step === 0
        ? `<text x="${x(i).toFixed(1)}" y="${h - bottom + 16}" text-anchor="middle">${esc(l.slice(5))}</text>`
        : '',
    )
    .join('');
  const lines = series
    .map(
      (s) =>
        `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.points.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"><title>${esc(s.name)}</title></polyline>`,
    )
    .join('');
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${left + i * 220}" y="${h - 16}" width="12" height="4" fill="${s.color}"/><text x="${left + 16 + i * 220}" y="${h - 11}">${esc(s.name)}</text>`,
    )
    .join('');
  return `<figure id="${id}"><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" width="${w}" height="${h}" font-size="11">${axis}${xs}${lines}${legend}</svg></figure>`;
}

const cells = (r: UnitRow) =>
  [
    ...COUNTS.map((k) => r[k]),
    r.escalations.join(' / '),
    r.indicator21 === null ? '–' : r.indicator21.toFixed(2),
    r.points === null ? '–' : r.points.toFixed(2),
  ]
    .map((c) => `<td>${esc(c)}</td>`)
    .join('');

export function renderHtml(
  summary: SimulationSummary,
  samples: { kind: string; text: string; parts: number | null }[],
): string {
  const t = summary.totals;
  const p = summary.period;
  const lastDay = isoDateOf(dayOf(parseInstant(p.end)) - 1);
  const scored = summary.units
    .filter((u) => u.indicator21 !== null)
    .sort((a, b) => a.indicator21! - b.indicator21! || a.name.localeCompare(b.name, 'vi'));
  const rateChart = barChart(
    'chart-on-time',
    'On time by receiving unit: indicator 2.1 (finished on time + open within time) ÷ received, lowest first',
    scored.map((u) => ({
      label: u.name,
      value: u.indicator21!,
      note: `${u.indicator21!.toFixed(2)} % of ${u.received}`,
    })),
    { max: 100, unit: ' %' },
  );
  const overdueChart = lineChart(
    'chart-overdue',
    'Open dossiers past their statutory due, and all open dossiers, at the end of each day',
    [
      { name: 'open and overdue', color: '#c53030', points: summary.overdueByDay.map((d) => d.overdue) },
      { name: 'open (÷ 10)', color: '#718096', points: summary.overdueByDay.map((d) => Math.round(d.open / 10)) },
    ],
    summary.overdueByDay.map((d) => d.date),
  );
  const noticeChart = barChart(
    'chart-notices',
    'Notices sent, by kind',
    Object.entries(summary.notices.byKind).map(([kind, n]) => ({
      label: `${kind}: ${KIND_LABELS[kind] ?? kind}`,
      value: n,
    })),
    { color: '#2f855a' },
  );
  const order: Record<string, number> = { province: 0, department: 1, area: 2, commune: 3 };
  const rows = [...summary.units]
    .sort((a, b) => order[a.kind]! - order[b.kind]! || a.name.localeCompare(b.name, 'vi'))
    .map((u) => `<tr data-unit="${esc(u.unitId)}"><th scope="row">${esc(u.name)}</th>${cells(u)}</tr>`)
    .join('\n');
  const statuses = Object.entries(summary.notices.byStatus)
    .map(([s, n]) => `${esc(s)} ${fmt(n)}`)
    .join(', ');
  const sampleList = samples
    .map(
      (s) =>
        `<li><b>${esc(s.kind)}</b> (${s.parts ?? '?'} SMS part${s.parts === 1 ? '' : 's'}): <q>${esc(s.text)}</q></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dunghan: ${esc(summary.province.name)}, ${esc(p.start.slice(0, 10))} – ${esc(lastDay)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1a202c; max-width: 1200px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.kpi { display: flex; flex-wrap: wrap; gap: 1rem; } .kpi div { background: #f7fafc; border: 1px solid #e2e8f0; padding: .6rem 1rem; border-radius: 6px; }
.kpi b { display: block; font-size: 1.3rem; }
table { border-collapse: collapse; font-size: 12px; } th, td { border-bottom: 1px solid #e2e8f0; padding: 3px 6px; } td { text-align: right; } th[scope=row] { text-align: left; font-weight: normal; }
thead th { position: sticky; top: 0; background: #edf2f7; } tfoot th, tfoot td { font-weight: bold; }
figure { margin: 1rem 0; } figcaption { font-weight: 600; margin-bottom: .3rem; } svg text { fill: #2d3748; }
.note { color: #4a5568; font-size: 12px; }
</style>
</head>
<body>
<h1>dunghan: ${esc(summary.province.name)}</h1>
<p>Simulated period ${esc(p.start.slice(0, 10))} to ${esc(lastDay)} (${p.days} days, about ${fmt(p.perDay)} dossiers a day, seed ${p.seed}); every event went through the intake, every dossier ran on the workflow engine, every notice went to the local outbox (nothing is sent anywhere). Figures are taken at the end of the period.</p>
<div class="kpi">
<div><b>${fmt(summary.dossiers)}</b>dossiers received</div>
<div><b>${fmt(t.finished)}</b>finished</div>
<div><b>${fmt(t.late)}</b>finished late (${t.finished ? ((t.late / t.finished) * 100).toFixed(2) : '0'} %)</div>
<div><b>${fmt(t.openOverdue)}</b>open and overdue</div>
<div><b>${fmt(t.apologiesSent)}</b>apologies sent by dunghan (${fmt(t.officerApologies)} by officers)</div>
<div><b>${fmt(t.escalations.reduce((a, b) => a + b, 0))}</b>escalations to heads</div>
<div><b>${t.indicator21?.toFixed(2) ?? '–'} %</b>indicator 2.1 (${t.points?.toFixed(2) ?? '–'} of 20 points)</div>
</div>
<h2>Charts</h2>
${overdueChart}
${noticeChart}
${rateChart}
<h2>Per unit</h2>
<p class="note">Received, finished and the outcome count for the unit that received the dossier; "caused" counts the late dossiers the unit held up, apologies and escalations count for the unit whose delay they concern. Indicator 2.1 (Decision 766): dossiers finished on time or still open within time ÷ dossiers received; its points are that share of the group's 20.</p>
<table id="units">
<thead><tr><th>unit</th><th>received</th><th>finished</th><th>early</th><th>on time</th><th>late</th><th>caused</th><th>open</th><th>overdue</th><th>apologies</th><th>officer apologies</th><th>escalations r1 / r2 / r3</th><th>2.1 %</th><th>points</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th scope="row">Toàn tỉnh (province)</th>${cells(t)}</tr></tfoot>
</table>
<h2>Notices</h2>
<p>By status: ${statuses}; ${fmt(summary.notices.smsParts)} SMS parts sent.</p>
<ul>${sampleList}</ul>
<h2>The run</h2>
<p class="note">${fmt(summary.events)} events delivered to the intake, ${fmt(summary.rejectedEvents)} refused; ${fmt(summary.execution.executions)} workflow executions, ${summary.execution.failedExecutions} failed. (The engine's counters of state transitions and store calls are printed by the command; they are left out here so that the same seed gives the same file.)</p>
</body>
</html>
`;
}
