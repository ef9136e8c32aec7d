import { describe, expect, it } from 'vitest';
import { composeNotice, type NoticeContext, TEMPLATES } from '../../functions/core/messages.ts';
import { NOTICE_KINDS } from '../../functions/core/policy.ts';
import { encodeSms, fitParts, gsmSeptets, unaccent } from '../../functions/core/sms.ts';
import { at } from '../support/calendar.ts';

const context: NoticeContext = {
  dossierId: 'HS-002',
  procedureName: 'Đăng ký biến động quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất',
  unitName: 'Chi nhánh Văn phòng đăng ký đất đai',
  subjectUnitName: 'Chi nhánh Văn phòng đăng ký đất đai',
  dueAt: at('2026-03-09T17:00:00+07:00'),
  rung: 1,
  stepName: 'Đăng ký đất đai',
  brand: 'TTPVHCC',
  reason: 'chậm xử lý tại Chi nhánh Văn phòng đăng ký đất đai',
  newDueAt: at('2026-03-10T17:00:00+07:00'),
  supplement: { ordinal: 2, askedBy: 'Thuế cơ sở', priority: 'elderly' },
  failure: 'nhà mạng chặn tin nhắn',
  unitDigest: {
    date: '11/03',
    nextDate: '12/03',
    overdue: 1,
    today: 1,
    next: 0,
    items: [
      { dossierId: 'HS-7', dueAt: at('2026-03-10T17:00:00+07:00'), state: 'overdue' },
      { dossierId: 'HS-9', dueAt: at('2026-03-11T15:00:00+07:00'), state: 'today' },
    ],
  },
};

describe('SMS encodings (docs/law.md §6)', () => {
  it('removes Vietnamese accents properly: NFD, no marks, đ→d (not "?a")', () => {
    expect(unaccent('Đăng ký khai sinh cho Nguyễn Thị Ánh Tuyết, đã trả kết quả')).toBe(
      'Dang ky khai sinh cho Nguyen Thi Anh Tuyet, da tra ket qua',
    );
    expect(unaccent('Ỷ Ở Ữ Ẵ ợ ỵ')).toBe('Y O U A o y');
    expect(encodeSms('đã', 'gsm7').text).toBe('da');
  });

  it('counts GSM-7 parts: 160 in one, 153 per part, extension characters twice', () => {
    expect(encodeSms('a'.repeat(160), 'gsm7').parts).toBe(1);
    expect(encodeSms('a'.repeat(161), 'gsm7').parts).toBe(2);
    expect(encodeSms('a'.repeat(306), 'gsm7').parts).toBe(2);
    expect(encodeSms('a'.repeat(307), 'gsm7').parts).toBe(3);
    expect(gsmSeptets('{€}')).toBe(6);
    expect(encodeSms(`${'a'.repeat(158)}€`, 'gsm7').parts).toBe(1);
    expect(encodeSms(`${'a'.repeat(159)}€`, 'gsm7').parts).toBe(2);
    // An escaped character is never split: 152 + € (2) does not fit the first part's 153.
    expect(encodeSms(`${'a'.repeat(152)}€${'a'.repeat(152)}`, 'gsm7').parts).toBe(3);
    expect(encodeSms('giá 5€ (≈ 140.000₫)', 'gsm7').text).toBe('gia 5€ (? 140.000?)');
  });

  it('counts Unicode parts: 70 in one, 67 per part', () => {
    expect(encodeSms('ă'.repeat(70), 'ucs2').parts).toBe(1);
    expect(encodeSms('ă'.repeat(71), 'ucs2').parts).toBe(2);
    expect(encodeSms('ă'.repeat(134), 'ucs2').parts).toBe(2);
    expect(encodeSms('ă'.repeat(135), 'ucs2').parts).toBe(3);
    // Precomposed (NFC): "ế" is one code unit, not three.
    expect(encodeSms('e\u0302\u0301', 'ucs2').units).toBe(1);
  });

  it('shortens only the procedure name to fit, never the code, the date or the reason', () => {
    const build = (p: string) => `Ho so HS-1 (${p}) tre do thieu chu ky. Hen moi 10/03/2026.`;
    const fitted = fitParts(build, 'x'.repeat(400), 'gsm7', 2);
    expect(fitted.parts).toBe(2);
    expect(fitted.text).toMatch(/^Ho so HS-1 \(x+\.\.\.\) tre do thieu chu ky\. Hen moi 10\/03\/2026\.$/);
    const impossible = fitParts((p) => `${'reason '.repeat(60)}(${p})`, 'abc', 'gsm7', 1);
    expect(impossible.text).toContain('(abc)');
  });
});

describe('notice texts', () => {
  it('has a template for every notice kind (wiring)', () => {
    expect(Object.keys(TEMPLATES).sort()).toEqual([...NOTICE_KINDS].sort());
    for (const kind of NOTICE_KINDS) {
      const text = composeNotice(kind, context, { encoding: 'ucs2', citizenMaxParts: 2 }).text;
      expect(text.length, kind).toBeGreaterThan(20);
      expect(text, kind).not.toMatch(/undefined|null|NaN/);
    }
  });

  it('keeps a citizen apology within two GSM-7 parts with everything that matters in it', () => {
    const sms = composeNotice('citizen.apology', context, { encoding: 'gsm7', citizenMaxParts: 2 });
    expect(sms.parts).toBe(2);
    const reason = 'cho ket qua tham dinh thuc dia va xac nhan ranh gioi thua dat cua cac ho lien ke';
    const long = composeNotice('citizen.apology', { ...context, reason }, { encoding: 'gsm7', citizenMaxParts: 2 });
    expect(long.parts).toBe(2);
    for (const must of ['HS-002', '09/03/2026', '10/03/2026', reason]) expect(long.text).toContain(must);
    expect(long.text).toMatch(/\(Dang ky bien dong[^)]*\.\.\.\)/);
  });

  it('says who apologises, why, and the new date', () => {
    const sms = composeNotice(
      'citizen.apology',
      { ...context, procedureName: 'Khai sinh', unitName: 'UBND xã Ea Kar', reason: 'thiếu chữ ký' },
      { encoding: 'ucs2', citizenMaxParts: 2 },
    );
    expect(sms.text).toBe(
      'TTPVHCC: UBND xã Ea Kar xin lỗi Ông/Bà: hồ sơ HS-002 (Khai sinh) trễ hẹn 09/03/2026 do thiếu chữ ký. Hẹn mới: 10/03/2026.',
    );
    // UCS-2: the whole text is 143 characters (3 parts of 67); the compact wording keeps it within 2.
    expect(sms.parts).toBe(2);
    const gsm = composeNotice(
      'citizen.apology',
      { ...context, procedureName: 'Khai sinh', unitName: 'UBND xã Ea Kar', reason: 'thiếu chữ ký' },
      { encoding: 'gsm7', citizenMaxParts: 2 },
    );
    expect(gsm.text).toBe(
      'TTPVHCC: UBND xa Ea Kar xin loi Ong/Ba vi ho so HS-002 (Khai sinh) tre hen ngay 09/03/2026 do thieu chu ky. Hen tra ket qua moi: ngay 10/03/2026.',
    );
    expect(gsm.parts).toBe(1);
  });
});

describe('texts that go by topic or digest only', () => {
  it('keep the whole procedure name (only an SMS is fitted into its parts)', () => {
    const sms = composeNotice('step.warning', context, { encoding: 'gsm7', citizenMaxParts: 2 });
    const topic = composeNotice('step.warning', context, { encoding: 'gsm7', citizenMaxParts: 2, sms: false });
    expect(sms.text).toContain('...)');
    expect(topic.text).toContain(`(${unaccent(context.procedureName)})`);
    expect(topic.text).toContain('buoc "Dang ky dat dai"');
  });
});
