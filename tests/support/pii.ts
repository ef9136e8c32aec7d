/** Searching text for personal data: the forms a name or a phone number may take in a log line. */

/** The searchable forms of a phone: its nine national digits, and the text as written. */
export const phoneNeedles = (phone: string) => [phone.replace(/\D/g, '').replace(/^(84|0)/, ''), phone];
/** A name as written (NFC and NFD) and without its accents, as an ASCII SMS would carry it. */
export const nameNeedles = (name: string) => [
  name,
  name.normalize('NFD'),
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D')),
];

/** Each needle found in the haystack (also with spaces, dots and dashes removed, for phones). */
export function leaks(haystack: string[], needles: string[]): string[] {
  const found: string[] = [];
  for (const text of haystack) {
    const squeezed = text.replace(/[\s.\-()]/g, '');
    for (const n of needles) {
      if (text.includes(n) || (/^\d+$/.test(n) && squeezed.includes(n))) found.push(`${n} in ${text.slice(0, 300)}`);
    }
  }
  return found;
}
