/// <reference lib="dom" />
import type { ListedDossier } from '../../functions/app/reports/lists.ts';
import { api, downloadCsv } from '../api.ts';
import type { Session } from '../auth.ts';
import { h, message, when, workingTime } from '../dom.ts';

/** A unit's page: the dossiers coming due (watch them, letter 001 §4) and the overdue ones, each linking to its page. */

type Page = { items: ListedDossier[]; cursor: string | null };

function list(session: Session, unitId: string, view: 'coming-due' | 'overdue', title: string): HTMLElement {
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Xem thêm');
  const csv = h('button', { type: 'button', class: 'secondary' }, 'Tải CSV');
  const status = h('p', {}, 'Đang tải…');
  let cursor: string | null = null;
  const load = async () => {
    const q = new URLSearchParams({ unitId, view, limit: '25', ...(cursor ? { cursor } : {}) });
    try {
      const page = await api<Page>(session, `dossiers?${q}`);
      tbody.append(
        ...page.items.map((d) =>
          h(
            'tr',
            {},
            h('td', {}, h('a', { href: `#/dossier/${encodeURIComponent(d.dossierId)}` }, d.dossierId)),
            h('td', { class: 'text' }, d.procedureName ?? d.procedureCode ?? '—'),
            h('td', {}, d.holderUnitId ?? '—'),
            h('td', {}, when(d.dueAt)),
            h(
              'td',
              { class: d.minutesLate ? 'late' : 'ok' },
              d.minutesLate
                ? `trễ ${workingTime(d.minutesLate)}`
                : d.minutesLeft === null
                  ? 'tạm dừng'
                  : `còn ${workingTime(d.minutesLeft)}`,
            ),
            h('td', {}, String(d.noticesSent)),
          ),
        ),
      );
      cursor = page.cursor;
      more.hidden = cursor === null;
      status.textContent = tbody.children.length === 0 ? 'Không có hồ sơ.' : '';
    } catch (err) {
      status.replaceWith(message('error', (err as Error).message));
    }
  };
  more.addEventListener('click', () => void load());
  csv.addEventListener(
    'click',
    () =>
      void downloadCsv(
        session,
        `dossiers?unitId=${encodeURIComponent(unitId)}&view=${view}&format=csv`,
        `${view}-${unitId}.csv`,
      ),
  );
  void load();
  return h(
    'section',
    { id: view },
    h('h2', {}, title, ' ', csv),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Mã hồ sơ', 'Thủ tục', 'Đơn vị đang giữ', 'Hạn', 'Thời gian', 'Tin đã gửi'].map((l) => h('th', {}, l)),
          ),
        ),
        tbody,
      ),
    ),
    status,
    more,
  );
}

export function unitView(session: Session, main: HTMLElement, unitId: string): void {
  main.replaceChildren(
    h('h1', {}, `Đơn vị ${unitId}`),
    list(session, unitId, 'overdue', 'Hồ sơ quá hạn'),
    list(session, unitId, 'coming-due', 'Hồ sơ sắp đến hạn (2 ngày làm việc)'),
  );
}
