import { describe, expect, it } from 'vitest';
import { formatLocalCompact, parseInstant, parseLocalCompact } from '../../functions/core/instant.ts';
import { parseFeedBody, parseProgress, parseSnapshot } from '../../functions/schemas/dvcqg.ts';
import { item } from '../support/dvcqg.ts';

/** The national portal's format as the schemas read it: strings, yyyyMMddHHmmss, "" for absent, both envelopes. */

const refusal = (extra: Record<string, unknown>) => {
  const r = parseSnapshot(item(extra));
  return r.ok ? null : { field: r.field, reason: r.reason };
};

describe('yyyyMMddHHmmss, local time in Asia/Ho_Chi_Minh', () => {
  it('reads and writes the portal form at +07:00', () => {
    expect(parseLocalCompact('20260302143000')).toBe(parseInstant('2026-03-02T14:30:00+07:00'));
    expect(parseLocalCompact('20260101000000')).toBe(parseInstant('2025-12-31T17:00:00Z'));
    expect(formatLocalCompact(parseInstant('2026-02-26T17:00:00+07:00'))).toBe('20260226170000');
  });

  it('refuses impossible and foreign forms with the reason', () => {
    expect(() => parseLocalCompact('20261345000000')).toThrow('"20261345000000" has month 13');
    expect(() => parseLocalCompact('20260230120000')).toThrow('has day 30, not in 2026-02');
    expect(() => parseLocalCompact('20260302250000')).toThrow('impossible time of day');
    expect(() => parseLocalCompact('2026-03-02')).toThrow('is not a yyyyMMddHHmmss instant');
    expect(() => parseLocalCompact('20260302')).toThrow('is not a yyyyMMddHHmmss instant');
    expect(() => parseLocalCompact('2026-03-02T08:00:00+07:00')).toThrow('is not a yyyyMMddHHmmss instant');
  });
});

describe('a snapshot (DongBoHoSoMC)', () => {
  it('reads the fields dunghan uses, "" as absent, and ignores the others', () => {
    const r = parseSnapshot(item({ KenhThucHien: '2', NoiNopHoSo: '2', DinhDanhCHS: [{ SoDinhDanh: '1' }], Foo: 3 }));
    expect(r).toMatchObject({
      ok: true,
      item: {
        dossierId: 'HS-1',
        procedureCode: '1.004227',
        status: '2',
        receivedAt: parseInstant('2026-03-02T08:00:00+07:00'),
        appointmentAt: parseInstant('2026-03-16T17:00:00+07:00'),
        endedAt: null,
        returnedAt: null,
        applicantPhone: '0905123456',
        unitName: 'Đơn vị xa',
        rounds: [],
      },
    });
  });

  it('refuses a used field with a bad value, naming it', () => {
    expect(refusal({ NgayTiepNhan: '20261345000000' })).toEqual({
      field: 'NgayTiepNhan',
      reason: '"20261345000000" has month 13',
    });
    expect(refusal({ NgayHenTra: '2026-03-02' })).toMatchObject({
      field: 'NgayHenTra',
      reason: expect.stringContaining('yyyyMMddHHmmss'),
    });
    expect(refusal({ NgayTiepNhan: 20260302080000 })).toEqual({
      field: 'NgayTiepNhan',
      reason: 'must be a string (the portal sends every value as a string)',
    });
    expect(refusal({ TrangThaiHoSo: 4 })).toMatchObject({
      field: 'TrangThaiHoSo',
      reason: expect.stringContaining('"1" … "10"'),
    });
    expect(refusal({ TrangThaiHoSo: '11' })).toMatchObject({ field: 'TrangThaiHoSo' });
    expect(refusal({ TrangThaiHoSo: undefined })).toEqual({ field: 'TrangThaiHoSo', reason: 'is required' });
    expect(refusal({ MaHoSo: undefined })).toEqual({ field: 'MaHoSo', reason: 'is required' });
    expect(refusal({ MaHoSo: '' })).toEqual({ field: 'MaHoSo', reason: 'is required' });
    expect(refusal({ MaHoSo: 'HS 1/2' })).toMatchObject({
      field: 'MaHoSo',
      reason: expect.stringContaining('letters, digits'),
    });
    expect(refusal({ SoDienThoai: 'call me' })).toMatchObject({ field: 'SoDienThoai' });
    expect(refusal({ DanhSachHoSoBoSung: 'none' })).toEqual({
      field: 'DanhSachHoSoBoSung',
      reason: 'must be an array of supplement rounds',
    });
    expect(refusal({ DanhSachHoSoBoSung: [{ NgayBoSung: '20260399000000' }] })).toMatchObject({
      field: 'DanhSachHoSoBoSung.0.NgayBoSung',
    });
    expect(parseSnapshot('HS-1')).toMatchObject({ ok: false, field: '(item)' });
    expect(parseSnapshot([item()])).toMatchObject({ ok: false, field: '(item)' });
  });

  it('takes the quirks of real feeds: empty lists, "" dates, a landline, a missing phone, odd text', () => {
    const r = parseSnapshot(
      item({
        NgayHenTra: '',
        SoDienThoai: '',
        DanhSachHoSoBoSung: '',
        ChuHoSo: ' Trần\tThị\u0000 B ',
        TenTTHC: 'x'.repeat(400),
        DonViXuLy: '   ',
      }),
    );
    expect(r.ok && r.item).toMatchObject({
      appointmentAt: null,
      applicantPhone: null,
      rounds: [],
      applicantName: 'Trần Thị B',
      unitName: null,
    });
    expect(r.ok && r.item.procedureName?.length).toBe(300);
    expect(parseSnapshot(item({ SoDienThoai: '02623812345' })).ok).toBe(true);
    const rounds = parseSnapshot(
      item({
        DanhSachHoSoBoSung: [
          { HoSoBoSungId: '1', NgayBoSung: '20260303090000', NgayTiepNhanBoSung: '', TrangThaiBoSung: '0' },
        ],
      }),
    );
    expect(rounds.ok && rounds.item.rounds).toEqual([
      { requestedAt: parseInstant('2026-03-03T09:00:00+07:00'), receivedAt: null },
    ]);
  });
});

describe('a progress row (CapNhatTienDoHoSoMC)', () => {
  it('reads who acted and when, and refuses a bad instant', () => {
    const row = {
      MaHoSo: 'HS-1',
      NguoiXuLy: 'Cán bộ',
      ChucDanh: '',
      PhongBanXuLy: 'Đơn vị vpdk',
      NoiDungXuLy: 'Thụ lý',
      TrangThai: '4',
    };
    expect(
      parseProgress({ ...row, ThoiDiemXuLy: '20260303090000', NgayBatDau: '', NgayKetThucTheoQuyDinh: '' }),
    ).toMatchObject({
      ok: true,
      item: {
        dossierId: 'HS-1',
        unitName: 'Đơn vị vpdk',
        actedAt: parseInstant('2026-03-03T09:00:00+07:00'),
        startedAt: null,
      },
    });
    expect(parseProgress({ ...row, ThoiDiemXuLy: '03/03/2026 09:00' })).toMatchObject({
      ok: false,
      field: 'ThoiDiemXuLy',
    });
    // Not used, not checked: the step's due at the unit is dunghan's own, from the catalogue.
    expect(parseProgress({ ...row, ThoiDiemXuLy: '20260303090000', NgayKetThucTheoQuyDinh: 'soon' }).ok).toBe(true);
  });
});

describe('the request body', () => {
  it('is the envelope or a bare array', () => {
    expect(parseFeedBody('DongBoHoSoMC', [item()])).toEqual({ ok: true, madonvi: null, items: [item()] });
    expect(
      parseFeedBody('DongBoHoSoMC', {
        session: 't',
        madonvi: '000.00.31.H15',
        service: 'DongBoHoSoMC',
        isUpdating: 'False',
        data: [item()],
      }),
    ).toEqual({ ok: true, madonvi: '000.00.31.H15', items: [item()] });
    expect(parseFeedBody('CapNhatTienDoHoSoMC', { data: [] })).toEqual({ ok: true, madonvi: null, items: [] });
  });

  it('refuses what is neither, naming the field', () => {
    expect(parseFeedBody('DongBoHoSoMC', { service: 'CapNhatTienDoHoSoMC', data: [] })).toMatchObject({
      ok: false,
      field: 'service',
    });
    expect(parseFeedBody('DongBoHoSoMC', { service: 'DongBoHoSoMC' })).toMatchObject({ ok: false, field: 'data' });
    expect(parseFeedBody('DongBoHoSoMC', { data: {} })).toMatchObject({ ok: false, field: 'data' });
    expect(parseFeedBody('DongBoHoSoMC', { madonvi: 31, data: [] })).toMatchObject({ ok: false, field: 'madonvi' });
    expect(parseFeedBody('DongBoHoSoMC', 'x')).toMatchObject({ ok: false, field: '(body)' });
    expect(parseFeedBody('DongBoHoSoMC', null)).toMatchObject({ ok: false, field: '(body)' });
  });
});
