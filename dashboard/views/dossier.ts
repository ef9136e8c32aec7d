/// <reference lib="dom" />
import type { TimelineEntry } from '../../functions/app/reports/dossier-page.ts';
import type { presentSheet } from '../../functions/app/sheet.ts';
import { APOLOGY_REASON_CODES, APOLOGY_REASONS } from '../../functions/core/apology-reasons.ts';
import { api } from '../api.ts';
import type { Session } from '../auth.ts';
import { EVENT_LABELS, h, message, NOTICE_LABELS, OUTCOME_LABELS, when } from '../dom.ts';

/** A dossier's page: the control sheet (Form 06), its notices, its timeline, and the head's apology form. */

interface Notice {
  noticeId: string;
  kind: string;
  rung: number | null;
  unitId: string;
  subjectUnitId: string;
  status: string;
  sentAt: string | null;
  text: string | null;
  acknowledgement: { unitId: string; at: string } | null;
}

/** The answer of GET /dossiers/{id}: the presented control sheet and what the page adds to it. */
type DossierPage = ReturnType<typeof presentSheet> & {
  procedureName?: string;
  apology: { unitId: string; reason: string; newDueAt: string; at: string } | null;
  notices: Notice[];
  findings: { eventId: string; reason: string }[];
  timeline: TimelineEntry[];
  quarantine?: { reason: string };
};

const STATUS_LABELS: Record<string, string> = {
  in_progress: 'Đang xử lý',
  paused: 'Tạm dừng (chờ bổ sung)',
  processed: 'Đã xử lý xong',
  resolved: 'Đã giải quyết',
  returned: 'Đã trả kết quả',
  withdrawn: 'Đã rút',
  rejected: 'Đã từ chối',
};

function sheet(d: DossierPage): HTMLElement {
  const row = (k: string, v: string | Node) => [h('dt', {}, k), h('dd', {}, v)];
  return h(
    'section',
    { id: 'sheet' },
    h('h2', {}, 'Phiếu kiểm soát quá trình giải quyết (Mẫu 06)'),
    h(
      'dl',
      { class: 'sheet' },
      ...row('Thủ tục', `${d.procedureName ?? ''} (${d.procedureCode})`),
      ...row('Trạng thái', STATUS_LABELS[d.status] ?? d.status),
      ...row('Tiếp nhận', when(d.receivedAt)),
      ...row('Hẹn trả', when(d.statutoryDueAt)),
      ...row('Hạn hiện tại', when(d.dueAt)),
      ...row('Kết quả', d.outcome ? (OUTCOME_LABELS[d.outcome] ?? d.outcome) : '—'),
      ...row('Đơn vị đang giữ', d.holderUnitId ?? '—'),
      ...row('Đơn vị gây trễ', d.responsibleUnitId ?? '—'),
    ),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h('tr', {}, ...['Bước', 'Đơn vị', 'Giao', 'Hạn bước', 'Hoàn thành', 'Kết quả'].map((l) => h('th', {}, l))),
        ),
        h(
          'tbody',
          {},
          ...d.steps.map((s) =>
            h(
              'tr',
              {},
              h('td', {}, s.stepId),
              h('td', {}, s.unitId),
              h('td', {}, when(s.handedOverAt)),
              h('td', {}, when(s.dueAt)),
              h('td', {}, when(s.completedAt)),
              h(
                'td',
                { class: s.result === 'late' ? 'late' : '' },
                s.result ? (OUTCOME_LABELS[s.result] ?? s.result) : '—',
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function apologyForm(session: Session, d: DossierPage, reload: () => void): HTMLElement {
  if (d.apology)
    return h(
      'section',
      { id: 'apology' },
      h('h2', {}, 'Xin lỗi và hẹn lại'),
      h(
        'p',
        {},
        `Đã hẹn lại đến ${when(d.apology.newDueAt)} (${d.apology.unitId}): ${d.apology.reason}. Chỉ được hẹn lại một lần.`,
      ),
    );
  if (d.finishedAt !== null || session.role === 'viewer') return h('div');
  const reason = h(
    'select',
    { name: 'reasonCode', required: true },
    ...APOLOGY_REASON_CODES.map((c) => h('option', { value: c }, APOLOGY_REASONS[c])),
  );
  const text = h('input', { name: 'reasonText', maxlength: '200', placeholder: 'Nội dung cụ thể' });
  const date = h('input', { type: 'date', name: 'newDueDate', required: true });
  const late = h('input', { type: 'checkbox', name: 'late' });
  const result = h('div');
  const form = h(
    'form',
    { class: 'inline', id: 'apology-form' },
    h('label', {}, 'Lý do', reason),
    h('label', {}, 'Chi tiết', text),
    h('label', {}, 'Ngày hẹn mới', date),
    h('label', { class: 'check' }, late, ' Đã quá hạn (xin lỗi muộn)'),
    h('button', { type: 'submit' }, 'Gửi xin lỗi và hẹn lại'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api(session, `dossiers/${encodeURIComponent(d.dossierId)}/apology`, {
        method: 'POST',
        body: {
          reasonCode: reason.value,
          ...(text.value.trim() ? { reasonText: text.value.trim() } : {}),
          newDueDate: date.value,
          late: late.checked,
        },
      });
      result.replaceChildren(message('done', 'Đã ghi nhận văn bản xin lỗi và ngày hẹn mới.'));
      setTimeout(reload, 300);
    } catch (err) {
      result.replaceChildren(message('error', (err as Error).message));
    }
  });
  return h('section', { id: 'apology' }, h('h2', {}, 'Xin lỗi và hẹn lại (một lần)'), form, result);
}

function notices(session: Session, d: DossierPage, reload: () => void): HTMLElement {
  const ack = (n: Notice) => {
    if (n.acknowledgement) return `Đã xác nhận: ${n.acknowledgement.unitId}, ${when(n.acknowledgement.at)}`;
    if (n.kind !== 'head.escalation' || session.role === 'viewer') return '';
    const b = h('button', { type: 'button', class: 'secondary' }, 'Xác nhận đã nhận');
    b.addEventListener('click', async () => {
      try {
        await api(session, `dossiers/${encodeURIComponent(d.dossierId)}/acknowledgements`, {
          method: 'POST',
          body: { noticeId: n.noticeId },
        });
        reload();
      } catch (err) {
        b.replaceWith(message('error', (err as Error).message));
      }
    });
    return b;
  };
  return h(
    'section',
    { id: 'notices' },
    h('h2', {}, 'Tin nhắn và báo cáo'),
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
            ...['Loại', 'Gửi đơn vị', 'Trạng thái', 'Lúc', 'Nội dung', 'Xác nhận'].map((l) => h('th', {}, l)),
          ),
        ),
        h(
          'tbody',
          {},
          ...d.notices.map((n) =>
            h(
              'tr',
              {},
              h('td', {}, `${NOTICE_LABELS[n.kind] ?? n.kind}${n.rung ? ` (cấp ${n.rung})` : ''}`),
              h('td', {}, n.unitId),
              h('td', {}, n.status),
              h('td', {}, when(n.sentAt)),
              h('td', { class: 'text' }, n.text ?? ''),
              h('td', {}, ack(n)),
            ),
          ),
        ),
      ),
    ),
  );
}

function timeline(d: DossierPage): HTMLElement {
  return h(
    'section',
    { id: 'timeline' },
    h('h2', {}, 'Diễn biến'),
    h(
      'ol',
      { class: 'timeline' },
      ...d.timeline.map((e) =>
        h(
          'li',
          { class: e.applied ? '' : 'unapplied', 'data-type': e.type },
          h('strong', {}, when(e.at)),
          ` ${EVENT_LABELS[e.type] ?? e.type}`,
          e.stepId ? ` · bước ${e.stepId}` : '',
          e.type === 'apology.issued' ? ` · ${e.unitId}: ${e.apologyReason}; hẹn mới ${when(e.newDueAt)}` : '',
          e.applied ? '' : ` · không áp dụng: ${e.reason}`,
        ),
      ),
    ),
  );
}

export async function dossierView(session: Session, main: HTMLElement, dossierId: string): Promise<void> {
  const reload = () => void dossierView(session, main, dossierId);
  let d: DossierPage;
  try {
    d = await api<DossierPage>(session, `dossiers/${encodeURIComponent(dossierId)}`);
  } catch (err) {
    main.replaceChildren(h('h1', {}, `Hồ sơ ${dossierId}`), message('error', (err as Error).message));
    return;
  }
  if (d.quarantine) {
    main.replaceChildren(
      h('h1', {}, `Hồ sơ ${dossierId}`),
      message('error', `Hồ sơ bị cách ly: ${d.quarantine.reason}`),
    );
    return;
  }
  main.replaceChildren(
    h('h1', {}, `Hồ sơ ${dossierId}`),
    sheet(d),
    apologyForm(session, d, reload),
    notices(session, d, reload),
    timeline(d),
  );
}
