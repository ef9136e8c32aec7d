import { formatInstant, type Instant } from './instant.ts';
import type { NoticeKind } from './policy.ts';
import { type EncodedSms, encodeSms, fitParts, type SmsEncoding } from './sms.ts';

/**
 * Vietnamese notice texts, one template per kind (a wiring test checks that every kind has one).
 * Templates are written with accents; the configured encoding decides what is sent (docs/law.md §6).
 * Names come from the store at send time; nothing here is logged.
 */

export interface DigestLine {
  unitName: string;
  count: number;
  dossierIds: string[];
}

export interface NoticeContext {
  dossierId: string;
  procedureName: string;
  /** The unit whose head receives it (or on whose behalf a citizen notice is sent). */
  unitName: string;
  /** The unit the notice is about. */
  subjectUnitName: string;
  /** The step's due (warning) or the dossier's statutory due. */
  dueAt: Instant | null;
  rung: number | null;
  stepId: string | null;
  /** Citizen apology: the reason and the new appointment. */
  reason?: string;
  newDueAt?: Instant | null;
  /** Digest: the date and the overdue dossiers by unit. */
  digest?: { date: string; total: number; lines: DigestLine[]; perUnit: boolean };
}

const time = (t: Instant | null) => {
  if (t === null) return '(đang tạm dừng)';
  const iso = formatInstant(t);
  return `${iso.slice(11, 16)} ${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
};
const date = (t: Instant | null | undefined) => {
  if (t === null || t === undefined) return '';
  const iso = formatInstant(t);
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
};
const list = (ids: string[], max = 5) =>
  ids.length > max ? `${ids.slice(0, max).join(', ')} và ${ids.length - max} hồ sơ khác` : ids.join(', ');

type Template = (c: NoticeContext, procedureName: string) => string;

export const TEMPLATES: Record<NoticeKind, Template> = {
  'step.warning': (c, p) =>
    `[dunghan] Hồ sơ ${c.dossierId} (${p}) tại ${c.subjectUnitName} sắp hết thời gian xử lý bước ${c.stepId}, hạn ${time(c.dueAt)}. Đề nghị khẩn trương giải quyết.`,
  'apology.due': (c, p) =>
    `[dunghan] Hồ sơ ${c.dossierId} (${p}) không thể trả đúng hẹn ${time(c.dueAt)}. Đề nghị ${c.unitName} gửi văn bản xin lỗi công dân, nêu lý do và hẹn lại (Mẫu 04), chậm nhất 01 ngày trước hạn.`,
  'citizen.apology': (c, p) =>
    `${c.unitName} xin lỗi Ông/Bà: hồ sơ ${c.dossierId} (${p}) chưa có kết quả đúng hẹn ${date(c.dueAt)} do ${c.reason ?? 'chậm xử lý'}. Hẹn trả kết quả mới: ngày ${date(c.newDueAt)}. Trân trọng.`,
  'head.escalation': (c, p) =>
    `[dunghan] Hồ sơ ${c.dossierId} (${p}) đã quá hạn từ ${time(c.dueAt)}, đang chậm tại ${c.subjectUnitName}. Đề nghị ${c.unitName} chỉ đạo xử lý dứt điểm (cảnh báo cấp ${c.rung}).`,
  digest: (c) => {
    const d = c.digest!;
    if (d.perUnit)
      return `[dunghan] ${d.date}: ${c.unitName} có ${d.total} hồ sơ quá hạn: ${list(d.lines.flatMap((l) => l.dossierIds))}.`;
    const units = d.lines
      .slice(0, 5)
      .map((l) => `${l.unitName} ${l.count}`)
      .join('; ');
    return `[dunghan] ${d.date}: toàn tỉnh có ${d.total} hồ sơ đang quá hạn. ${units}${d.lines.length > 5 ? `; và ${d.lines.length - 5} đơn vị khác` : ''}.`;
  },
};

export interface ComposeOptions {
  encoding: SmsEncoding;
  /** Citizen apologies are kept within this many parts by shortening the procedure name only. */
  citizenMaxParts: number;
}

/** The text of a notice as it will be sent, with its encoding and part count. */
export function composeNotice(kind: NoticeKind, context: NoticeContext, options: ComposeOptions): EncodedSms {
  const template = TEMPLATES[kind];
  if (kind === 'citizen.apology') {
    return fitParts(
      (procedure) => template(context, procedure),
      context.procedureName,
      options.encoding,
      options.citizenMaxParts,
    );
  }
  return encodeSms(template(context, context.procedureName), options.encoding);
}
