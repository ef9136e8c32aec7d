/// <reference lib="dom" />
import type { UnitsReport } from '../../functions/app/reports/units.ts';
import type { UnitRow } from '../../functions/core/report.ts';
import { api, downloadCsv } from '../api.ts';
import type { Session } from '../auth.ts';
import { onTimeByUnit, overdueOverTime } from '../charts.ts';
import { h, message, number } from '../dom.ts';

/** The province's table by unit (the appendix of letter 002), sortable, with its two charts. */

const COLUMNS: { key: keyof UnitRow | 'escalations'; label: string; digits?: number }[] = [
  { key: 'received', label: 'Tiếp nhận' },
  { key: 'finished', label: 'Đã giải quyết' },
  { key: 'early', label: 'Trước hạn' },
  { key: 'onTime', label: 'Đúng hạn' },
  { key: 'late', label: 'Trễ hạn' },
  { key: 'lateCaused', label: 'Gây trễ' },
  { key: 'open', label: 'Đang xử lý' },
  { key: 'openOverdue', label: 'Quá hạn' },
  { key: 'apologiesSent', label: 'Xin lỗi (SMS)' },
  { key: 'officerApologies', label: 'Xin lỗi (cán bộ)' },
  { key: 'escalations', label: 'Báo cáo cấp 1/2/3' },
  { key: 'indicator21', label: 'Chỉ số 2.1 (%)', digits: 2 },
  { key: 'points', label: 'Điểm', digits: 2 },
];

const isoDay = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);

function cells(r: UnitRow): (string | Node)[] {
  return COLUMNS.map((c) =>
    c.key === 'escalations' ? r.escalations.join('/') : number(r[c.key] as number | null, c.digits ?? 0),
  );
}

function sortValue(r: UnitRow, key: string): number | string {
  if (key === 'name') return r.name;
  if (key === 'escalations') return r.escalations.reduce((a, b) => a + b, 0);
  return (r[key as keyof UnitRow] as number | null) ?? -1;
}

function unitTable(report: UnitsReport): HTMLElement {
  let sortKey = 'openOverdue';
  let descending = true;
  const tbody = h('tbody');
  const headers = [{ key: 'name', label: 'Đơn vị' }, ...COLUMNS].map((c) => {
    const th = h('th', { scope: 'col', 'data-key': c.key }, c.label);
    th.addEventListener('click', () => {
      descending = sortKey === c.key ? !descending : c.key !== 'name';
      sortKey = c.key;
      render();
    });
    return th;
  });
  const render = () => {
    const rows = [...report.units].sort((a, b) => {
      const x = sortValue(a, sortKey);
      const y = sortValue(b, sortKey);
      const cmp = typeof x === 'string' ? x.localeCompare(String(y), 'vi') : x - (y as number);
      return descending ? -cmp : cmp;
    });
    tbody.replaceChildren(
      ...rows.map((r) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/unit/${encodeURIComponent(r.unitId)}` }, r.name)),
          ...cells(r).map((c) => h('td', {}, c)),
        ),
      ),
    );
    for (const th of headers)
      th.setAttribute('aria-sort', th.dataset.key === sortKey ? (descending ? 'descending' : 'ascending') : 'none');
  };
  render();
  const t = report.totals;
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { id: 'units' },
      h('thead', {}, h('tr', {}, ...headers)),
      tbody,
      h('tfoot', {}, h('tr', {}, h('td', {}, 'Toàn bộ'), ...cells(t).map((c) => h('td', {}, c)))),
    ),
  );
}

export async function provinceView(session: Session, main: HTMLElement, params: URLSearchParams): Promise<void> {
  const today = new Date();
  const from = params.get('from') ?? isoDay(new Date(today.getTime() - 29 * 86_400_000));
  const to = params.get('to') ?? isoDay(today);
  const fromInput = h('input', { type: 'date', name: 'from', value: from, required: true });
  const toInput = h('input', { type: 'date', name: 'to', value: to, required: true });
  const form = h(
    'form',
    { class: 'inline', id: 'period' },
    h('label', {}, 'Từ ngày', fromInput),
    h('label', {}, 'Đến ngày', toInput),
    h('button', { type: 'submit' }, 'Xem'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/?from=${fromInput.value}&to=${toInput.value}`;
  });
  const query = `from=${from}&to=${to}`;
  const csv = h('button', { type: 'button', class: 'secondary' }, 'Tải CSV');
  csv.addEventListener(
    'click',
    () => void downloadCsv(session, `reports/units?${query}&format=csv`, `bao-cao-${from}-${to}.csv`),
  );
  main.replaceChildren(
    h('h1', {}, 'Tình hình giải quyết hồ sơ theo đơn vị'),
    h('section', {}, form),
    h('p', {}, 'Đang tải…'),
  );
  let report: UnitsReport;
  try {
    report = await api<UnitsReport>(session, `reports/units?${query}`);
  } catch (err) {
    main.lastChild!.replaceWith(message('error', (err as Error).message));
    return;
  }
  const t = report.totals;
  const onTime = h('div', { id: 'chart-on-time', class: 'chart' });
  const overdue = h('div', { id: 'chart-overdue', class: 'chart' });
  main.lastChild!.replaceWith(
    h(
      'section',
      {},
      h(
        'p',
        {},
        `Tiếp nhận ${number(t.received)}, quá hạn đang xử lý ${number(t.openOverdue)}; chỉ số 2.1: `,
        h('strong', {}, `${number(t.indicator21, 2)} %`),
        ` (${number(t.points, 2)}/20 điểm). `,
        csv,
      ),
    ),
    h('section', { class: 'charts' }, onTime, overdue),
    h('section', {}, unitTable(report)),
  );
  onTimeByUnit(onTime, report.units);
  overdueOverTime(overdue, report.overdueByDay);
}
