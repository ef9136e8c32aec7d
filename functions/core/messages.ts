import type { Priority } from './dossier.ts';
import { formatInstant, type Instant } from './instant.ts';
import type { NoticeKind } from './notice-kinds.ts';
import { type EncodedSms, encodeSms, fitParts, type SmsEncoding } from './sms.ts';

/**
 * Vietnamese notice texts, one template per kind (a wiring test checks that every kind has one).
 * Templates are written with accents; the configured encoding decides what is sent (docs/law.md §6):
 * unaccented GSM-7 or UCS-2. Every body starts with the configured brand (the registered sender ID's
 * brand name, docs/law.md §6); units are named, never by their ids; steps by their Vietnamese name.
 * Names come from the store at send time; nothing here is logged.
 */

export interface DigestItem {
  dossierId: string;
  /** The dossier's due (or the warned step's), to order the list and say when. */
  dueAt: Instant | null;
  state: 'overdue' | 'today' | 'next' | 'later';
}

export interface DigestLine {
  unitName: string;
  count: number;
}

export interface NoticeContext {
  brand: string;
  dossierId: string;
  procedureName: string;
  /** The unit whose head receives it (or on whose behalf a citizen notice is sent). */
  unitName: string;
  /** The unit the notice is about. */
  subjectUnitName: string;
  /** The step's due (warning) or the dossier's statutory due. */
  dueAt: Instant | null;
  rung: number | null;
  /** The step's Vietnamese name (its id only when it has none). */
  stepName: string | null;
  /** Citizen apology: the reason and the new appointment (with its time when the limit is in hours). */
  reason?: string;
  newDueAt?: Instant | null;
  newDueWithTime?: boolean;
  /** A unit's morning digest: counts, and the items in order of urgency. */
  unitDigest?: { date: string; nextDate: string; overdue: number; today: number; next: number; items: DigestItem[] };
  /** The provincial office's digest: overdue dossiers by unit. */
  provinceDigest?: { date: string; total: number; lines: DigestLine[] };
  /** Escalations of one rung to one head, batched: the codes by late unit. */
  batch?: { count: number; bySubject: { unitName: string; dossierIds: string[] }[] };
  /** A second (or later) supplement request. */
  supplement?: { ordinal: number; askedBy: string; priority: Priority | null };
  /** A citizen apology that did not reach the citizen: the provider's reason. */
  failure?: string;
}

const time = (t: Instant | null | undefined) => {
  if (t === null || t === undefined) return '(đang tạm dừng)';
  const iso = formatInstant(t);
  return `${iso.slice(11, 16)} ${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
};
const date = (t: Instant | null | undefined) => {
  if (t === null || t === undefined) return '';
  const iso = formatInstant(t);
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
};
const PRIORITY: Record<Priority, string> = {
  elderly: 'người cao tuổi',
  disabled: 'người khuyết tật',
  merit: 'người có công',
};
const more = (n: number, what: string) => (n > 0 ? ` và ${n} ${what} khác` : '');

/** A template renders with the procedure name it is given and, for lists, how many items to show. */
type Template = (c: NoticeContext, procedureName: string, shown: number) => string;

export const TEMPLATES: Record<NoticeKind, Template> = {
  'step.warning': (c, p) =>
    `${c.brand}: Hồ sơ ${c.dossierId} (${p}) sắp hết hạn bước "${c.stepName}" tại ${c.subjectUnitName}, hạn ${time(c.dueAt)}. Đề nghị khẩn trương giải quyết.`,
  'apology.due': (c, p) =>
    `${c.brand}: Hồ sơ ${c.dossierId} (${p}) sẽ trễ hẹn ${time(c.dueAt)}. Đề nghị ${c.unitName} gửi văn bản xin lỗi, hẹn lại (Mẫu 04).`,
  'citizen.apology': (c, p) =>
    `${c.brand}: ${c.unitName} xin lỗi Ông/Bà vì hồ sơ ${c.dossierId} (${p}) trễ hẹn ngày ${date(c.dueAt)} do ${c.reason ?? 'chậm xử lý'}. Hẹn trả kết quả mới: ${c.newDueWithTime ? `${time(c.newDueAt).slice(0, 5)} ` : ''}ngày ${date(c.newDueAt)}.`,
  'head.escalation': (c, p, shown) => {
    if (c.batch && c.batch.count > 1) {
      let left = shown;
      const groups = c.batch.bySubject
        .map((g) => {
          const ids = g.dossierIds.slice(0, Math.max(0, left));
          left -= ids.length;
          if (!ids.length) return '';
          return g.unitName === c.unitName ? ids.join(', ') : `chậm tại ${g.unitName}: ${ids.join(', ')}`;
        })
        .filter(Boolean);
      // "(cấp 1): HS-1, HS-2" for the head's own unit; "(cấp 2), chậm tại X: HS-1" for the units below.
      const lead = groups[0]?.startsWith('chậm tại') ? ', ' : ': ';
      return `${c.brand}: ${c.batch.count} hồ sơ đã quá hạn (cảnh báo cấp ${c.rung})${lead}${groups.join('; ')}${more(c.batch.count - Math.min(shown, c.batch.count), 'hồ sơ')}. Đề nghị ${c.unitName} chỉ đạo xử lý dứt điểm.`;
    }
    const at = c.subjectUnitName === c.unitName ? '' : `, đang chậm tại ${c.subjectUnitName}`;
    return `${c.brand}: Hồ sơ ${c.dossierId} (${p}) đã quá hạn từ ${time(c.dueAt)}${at}. Đề nghị ${c.unitName} chỉ đạo xử lý dứt điểm (cảnh báo cấp ${c.rung}).`;
  },
  digest: (c, _p, shown) => {
    if (c.provinceDigest) {
      const d = c.provinceDigest;
      const units = d.lines
        .slice(0, shown)
        .map((l) => `${l.unitName} ${l.count}`)
        .join('; ');
      return `${c.brand}: Sáng ${d.date}, toàn tỉnh có ${d.total} hồ sơ quá hạn: ${units}${more(d.lines.length - Math.min(shown, d.lines.length), 'đơn vị')}.`;
    }
    const d = c.unitDigest!;
    const label = (i: DigestItem) =>
      i.state === 'overdue'
        ? `${i.dossierId} (quá hạn)`
        : i.state === 'today'
          ? `${i.dossierId} (hạn ${time(i.dueAt).slice(0, 5)})`
          : `${i.dossierId} (hạn ${time(i.dueAt).slice(6, 11)})`;
    const items = d.items.slice(0, shown).map(label).join(', ');
    const counts = [
      d.overdue ? `${d.overdue} hồ sơ quá hạn` : '',
      d.today ? `${d.today} đến hạn hôm nay` : '',
      d.next ? `${d.next} đến hạn ${d.nextDate}` : '',
    ].filter(Boolean);
    const said = counts.length ? counts.join(', ') : `${d.items.length} hồ sơ đã được cảnh báo`;
    return `${c.brand}: Sáng ${d.date}, ${c.unitName}: ${said}. Cần xử lý trước: ${items}${more(d.items.length - Math.min(shown, d.items.length), 'hồ sơ')}.`;
  },
  'supplement.alarm': (c, p) => {
    const s = c.supplement!;
    const who = s.priority ? ` Người nộp là ${PRIORITY[s.priority]}: không để họ phải đi lại nhiều lần.` : '';
    return `${c.brand}: Hồ sơ ${c.dossierId} (${p}) bị yêu cầu bổ sung lần thứ ${s.ordinal}, lần này do ${s.askedBy} yêu cầu. Bổ sung hơn 1 lần bị tính là quá hạn.${who} Đề nghị ${c.unitName} kiểm tra ngay.`;
  },
  'delivery.failed': (c) =>
    `${c.brand}: Tin nhắn xin lỗi về hồ sơ ${c.dossierId} không đến được công dân (${c.failure ?? 'nhà mạng báo lỗi'}). Đề nghị ${c.unitName} báo cho công dân cách khác (điện thoại, thư) và hẹn lại.`,
};

/**
 * The citizen apology when the whole text cannot fit citizenMaxParts (UCS-2: 67 characters a part, a long
 * unit name): the same facts with fewer words.
 */
const COMPACT_CITIZEN_APOLOGY: Template = (c, p) =>
  `${c.brand}: ${c.unitName} xin lỗi Ông/Bà: hồ sơ ${c.dossierId} (${p}) trễ hẹn ${date(c.dueAt)} do ${c.reason ?? 'chậm xử lý'}. Hẹn mới: ${c.newDueWithTime ? `${time(c.newDueAt).slice(0, 5)} ` : ''}${date(c.newDueAt)}.`;

/** How many items a list template holds (batches, digests): shortened to fit, most urgent first. */
function itemCount(kind: NoticeKind, c: NoticeContext): number {
  if (kind === 'digest') return c.provinceDigest ? c.provinceDigest.lines.length : (c.unitDigest?.items.length ?? 0);
  if (kind === 'head.escalation' && c.batch) return c.batch.count;
  return 0;
}

export interface ComposeOptions {
  encoding: SmsEncoding;
  /** Citizen apologies are kept within this many parts by shortening the procedure name only. */
  citizenMaxParts: number;
  /** Whether it goes by SMS (a head's SMS is fitted into one part); topic and digest texts are whole. @default true */
  sms?: boolean;
}

/** A head's SMS about one dossier fits one part when shortening the procedure name can do it. */
const HEAD_PARTS = 1;
/** A digest or a batch fits this many parts by listing fewer items ("và N hồ sơ khác"). */
const LIST_PARTS = 2;
/** A list in one part must show at least this many items (or all of them); else it takes two parts. */
const LIST_IN_ONE_PART = 3;
/** A procedure name shortened to fit a citizen's apology in one part keeps at least this many characters. */
const MIN_PROCEDURE_CHARS = 18;

/** The text of a notice as it will be sent, with its encoding and part count. */
export function composeNotice(kind: NoticeKind, context: NoticeContext, options: ComposeOptions): EncodedSms {
  const template = TEMPLATES[kind];
  const items = itemCount(kind, context);
  if (items > 0) {
    // One part when it can list every item or at least LIST_IN_ONE_PART of them; else the most that fit
    // in LIST_PARTS (at least one: the counts are said whatever).
    const render = (shown: number) => encodeSms(template(context, context.procedureName, shown), options.encoding);
    for (let shown = items; shown >= Math.min(items, LIST_IN_ONE_PART); shown--) {
      const candidate = render(shown);
      if (candidate.parts === 1) return candidate;
    }
    for (let shown = items; shown > 1; shown--) {
      const candidate = render(shown);
      if (candidate.parts <= LIST_PARTS) return candidate;
    }
    return render(1);
  }
  const build = (procedure: string) => template(context, procedure, 0);
  // A topic or digest text is read whole: only an SMS is fitted to its parts.
  if (options.sms === false) return encodeSms(build(context.procedureName), options.encoding);
  if (kind !== 'citizen.apology') return fitParts(build, context.procedureName, options.encoding, HEAD_PARTS);
  // A citizen's apology: one part when the procedure's name keeps enough of itself to be recognised,
  // else the whole name in up to citizenMaxParts (docs/law.md §6).
  const one = fitParts(build, context.procedureName, options.encoding, 1);
  // How much of the name the one-part text kept: its length over the text with an empty name.
  const kept = one.text.length - encodeSms(build(''), options.encoding).text.length;
  if (one.parts === 1 && kept >= Math.min(MIN_PROCEDURE_CHARS, [...context.procedureName].length)) return one;
  const whole = fitParts(build, context.procedureName, options.encoding, options.citizenMaxParts);
  if (whole.parts <= options.citizenMaxParts) return whole;
  return fitParts(
    (procedure) => COMPACT_CITIZEN_APOLOGY(context, procedure, 0),
    context.procedureName,
    options.encoding,
    options.citizenMaxParts,
  );
}

/**
 * A notice whose recipient cannot be reached, sent to the provincial office instead: who it was meant
 * for, why it did not reach them, and the notice itself (docs/law.md §2: a notice never goes nowhere).
 */
export function composeFallback(
  original: EncodedSms,
  fallback: { brand: string; intendedUnitName: string; reason: string },
  encoding: SmsEncoding,
): EncodedSms {
  const body = original.text.startsWith(`${fallback.brand}: `)
    ? original.text.slice(fallback.brand.length + 2)
    : original.text;
  return encodeSms(
    `${fallback.brand}: Chuyển Văn phòng UBND tỉnh vì không gửi được cho ${fallback.intendedUnitName} (${fallback.reason}). ${body}`,
    encoding,
  );
}
