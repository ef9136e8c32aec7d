/// <reference lib="dom" />

/** Small DOM helpers: elements are built with text nodes only (no HTML strings), so no data can inject markup. */

type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
}

/** "2026-03-09T17:00:00+07:00" as "09/03/2026 17:00" (instants are at +07:00 already). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 16)}`;
}

/** Working minutes as hours and minutes of working time. */
export function workingTime(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return hours > 0 ? `${hours} giờ${rest ? ` ${rest} phút` : ''}` : `${rest} phút`;
}

export const number = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined
    ? '—'
    : n.toLocaleString('vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function message(kind: 'error' | 'done', text: string): HTMLElement {
  return h('p', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export const ROLE_LABELS: Record<string, string> = { viewer: 'xem', head: 'thủ trưởng', province: 'toàn tỉnh' };

export const NOTICE_LABELS: Record<string, string> = {
  'step.warning': 'Cảnh báo bước xử lý',
  'apology.due': 'Nhắc xin lỗi',
  'citizen.apology': 'Xin lỗi công dân (SMS)',
  'head.escalation': 'Báo cáo thủ trưởng',
  digest: 'Tổng hợp hằng ngày',
};

export const EVENT_LABELS: Record<string, string> = {
  'dossier.received': 'Tiếp nhận hồ sơ',
  'step.completed': 'Hoàn thành bước',
  'supplement.requested': 'Yêu cầu bổ sung',
  'supplement.received': 'Nhận bổ sung',
  'apology.issued': 'Xin lỗi và hẹn lại',
  'dossier.resolved': 'Giải quyết xong',
  'dossier.returned': 'Trả kết quả',
  'dossier.withdrawn': 'Rút hồ sơ',
  'dossier.rejected': 'Từ chối',
};

export const OUTCOME_LABELS: Record<string, string> = { early: 'Trước hạn', on_time: 'Đúng hạn', late: 'Trễ hạn' };
