import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Vietnamese phone numbers, by libphonenumber's metadata (docs/law.md §6), never a hand-written regex. */
export type PhoneCheck = { ok: true; e164: string } | { ok: false; reason: string };

export function normaliseMobile(raw: string): PhoneCheck {
  const phone = parsePhoneNumberFromString(raw, 'VN');
  if (!phone?.isValid()) return { ok: false, reason: 'not a valid phone number' };
  const type = phone.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE')
    return { ok: false, reason: `not a mobile number (${type ?? 'unknown type'})` };
  return { ok: true, e164: phone.number };
}

/**
 * Whether the text is a valid phone number at all (Vietnamese by default), mobile or not. The events
 * schema asks it of the applicant's number each time a dossier's stored events are parsed again (every
 * task of its workflow): the answers for the numbers seen last are kept (a pure function of the text).
 */
export function isPhoneNumber(raw: string): boolean {
  let valid = validity.get(raw);
  if (valid === undefined) {
    valid = parsePhoneNumberFromString(raw, 'VN')?.isValid() ?? false;
    if (validity.size >= KEPT_ANSWERS) validity.clear();
    validity.set(raw, valid);
  }
  return valid;
}
const validity = new Map<string, boolean>();
/** About the open dossiers of a busy month; past it the memory starts again empty. */
const KEPT_ANSWERS = 50_000;

/** "+84 9xx xxx 123": enough to recognise, not enough to call. */
export function maskPhone(e164: string): string {
  const m = /^\+84(\d)(\d+)(\d{3})$/.exec(e164);
  if (!m) return `${e164.slice(0, 3)} ${'x'.repeat(Math.max(0, e164.length - 6))}${e164.slice(-3)}`;
  const middle = 'x'.repeat(m[2]!.length);
  return `+84 ${m[1]}${middle.slice(0, 2)} ${middle.slice(2)} ${m[3]}`;
}
