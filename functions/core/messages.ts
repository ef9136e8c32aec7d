import { formatInstant, type Instant } from './instant.ts';
import type { NoticeKind } from './policy.ts';

/** Vietnamese notice texts. Ids only come in; names are looked up by the caller. */
export interface MessageContext {
  dossierId: string;
  procedureName: string;
  unitName: string;
  subjectUnitName: string;
  dueAt: Instant | null;
  rung: number | null;
  stepId: string | null;
}

const date = (t: Instant | null) => {
  if (t === null) return '(đang tạm dừng)';
  const iso = formatInstant(t);
  return `${iso.slice(11, 16)} ${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
};

export const TEMPLATES: Record<NoticeKind, (c: MessageContext) => string> = {
  'step.warning': (c) =>
    `[dunghan] Hồ sơ ${c.dossierId} (${c.procedureName}) tại ${c.subjectUnitName} sắp hết thời gian xử lý của bước ${c.stepId}. Hạn trả kết quả: ${date(c.dueAt)}.`,
  'head.escalation': (c) =>
    `[dunghan] Hồ sơ ${c.dossierId} (${c.procedureName}) đã quá hạn từ ${date(c.dueAt)}, đang chậm tại ${c.subjectUnitName}. Đề nghị ${c.unitName} chỉ đạo xử lý (cấp ${c.rung}).`,
};

export function renderNotice(kind: NoticeKind, context: MessageContext): string {
  return TEMPLATES[kind](context);
}
