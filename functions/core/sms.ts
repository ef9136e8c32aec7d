/**
 * SMS encodings and part counting (docs/law.md §6). Vietnamese text goes out either as Unicode (UCS-2:
 * 70 characters in one part, 67 per part when split) or unaccented in the GSM-7 alphabet (160 / 153),
 * which most Vietnamese gateways require.
 */

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface EncodedSms {
  text: string;
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  parts: number;
}

// GSM 03.38 basic character set (as Unicode) and the extension table (each costs an escape + 1).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

/**
 * Vietnamese without accents: NFD, drop combining marks, đ→d and Đ→D (the letter is not a base letter
 * plus a mark, so NFD alone leaves it). GOV.UK Notify's generic cleaner would turn "đã" into "?a".
 */
export function unaccent(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFC');
}

/** Septets of a GSM-7 text; null when a character has no GSM-7 form. */
export function gsmSeptets(text: string): number | null {
  let n = 0;
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) n += 1;
    else if (GSM_EXTENDED.has(ch)) n += 2;
    else return null;
  }
  return n;
}

/** Parts of a GSM-7 message: an escaped character is never split across two parts. */
function gsmParts(text: string): number {
  const total = gsmSeptets(text)!;
  if (total <= 160) return 1;
  let parts = 1;
  let used = 0;
  for (const ch of text) {
    const cost = GSM_EXTENDED.has(ch) ? 2 : 1;
    if (used + cost > 153) {
      parts++;
      used = 0;
    }
    used += cost;
  }
  return parts;
}

/** UTF-16 code units; a surrogate pair is never split. */
function ucs2Parts(text: string): number {
  if (text.length <= 70) return 1;
  let parts = 1;
  let used = 0;
  for (const ch of text) {
    const cost = ch.length;
    if (used + cost > 67) {
      parts++;
      used = 0;
    }
    used += cost;
  }
  return parts;
}

/**
 * Encodes a message for sending. GSM-7: accents are removed and any character still outside the
 * alphabet becomes "?". UCS-2: the text is sent as it is, in NFC (precomposed letters are shorter).
 */
export function encodeSms(text: string, encoding: SmsEncoding): EncodedSms {
  if (encoding === 'ucs2') {
    const t = text.normalize('NFC');
    return { text: t, encoding, units: t.length, parts: ucs2Parts(t) };
  }
  const t = [...unaccent(text)].map((ch) => (GSM_BASIC.has(ch) || GSM_EXTENDED.has(ch) ? ch : '?')).join('');
  return { text: t, encoding, units: gsmSeptets(t)!, parts: gsmParts(t) };
}

/**
 * Fits a message into `maxParts` by shortening one field (the procedure name), never the others.
 * `build` renders the message with a given value of that field. When even an empty field does not
 * fit, the full message is returned as it is (more parts, nothing important cut).
 */
export function fitParts(
  build: (field: string) => string,
  field: string,
  encoding: SmsEncoding,
  maxParts: number,
): EncodedSms {
  const full = encodeSms(build(field), encoding);
  if (full.parts <= maxParts) return full;
  const chars = [...field];
  const ellipsis = encoding === 'gsm7' ? '...' : '…';
  let lo = 0;
  let hi = chars.length - 1;
  let best: EncodedSms | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const candidate = encodeSms(build(`${chars.slice(0, mid).join('').trimEnd()}${ellipsis}`), encoding);
    if (candidate.parts <= maxParts) {
      best = candidate;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best ?? full;
}
