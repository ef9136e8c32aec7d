import { formatLocalCompact, parseInstant } from '../../functions/core/instant.ts';
import { type Json, PROVINCE, unit } from './events.ts';

/** Builders of national-portal feed items for tests (docs/law.md §7), as a one-stop system sends them. */

/** A DongBoHoSoMC snapshot item: every value a string, "" for absent. */
export const item = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  MaHoSo: 'HS-1',
  MaTTHC: '1.004227',
  TenTTHC: 'Đăng ký biến động quyền sử dụng đất',
  MaLinhVuc: '',
  SoBienNhan: '',
  ChuHoSo: 'Nguyễn Văn A',
  LoaiDoiTuong: '1',
  SoDienThoai: '0905123456',
  Email: '',
  NgayTiepNhan: '20260302080000',
  NgayHenTra: '20260316170000',
  TrangThaiHoSo: '2',
  NgayTra: '',
  NgayKetThucXuLy: '',
  DonViXuLy: 'Đơn vị xa',
  TaiLieuNop: [],
  DanhSachLePhi: [],
  DanhSachHoSoBoSung: [],
  DanhSachGiayToKetQua: [],
  ...extra,
});

/** "2026-03-02T08:00:00+07:00" in the portal's form, "20260302080000". */
export const compact = (iso: string) => formatLocalCompact(parseInstant(iso));

/** The small province, with the units the sample catalogue's land procedure names (1.004227). */
export const FEED_UNITS: Json[] = [...PROVINCE, unit('chi-nhanh-vpdk', 'vpdk'), unit('thue-co-so', 'thue')];

/** A replay line: a DongBoHoSoMC call at `at`, as opencps sends it (envelope) or TD (bare array). */
export const snapshots = (at: string, items: Json[], form: 'envelope' | 'array' = 'envelope'): Json => ({
  at,
  service: 'DongBoHoSoMC',
  body:
    form === 'array'
      ? items
      : { session: 'sess', madonvi: '000.00.00.H00', service: 'DongBoHoSoMC', isUpdating: 'True', data: items },
});

/** A replay line: a CapNhatTienDoHoSoMC call (TD posts bare arrays). */
export const progress = (at: string, rows: Json[]): Json => ({ at, service: 'CapNhatTienDoHoSoMC', body: rows });

/** A progress row: `unitId`'s unit (by its name) holds the dossier from `from`, acting at `acted`. */
export const row = (
  dossierId: string,
  unitId: string | null,
  from: string,
  acted = from,
  action = 'Xử lý hồ sơ',
): Json => ({
  MaHoSo: dossierId,
  NguoiXuLy: 'Chuyên viên',
  ChucDanh: '',
  ThoiDiemXuLy: compact(acted),
  PhongBanXuLy: unitId === null ? '' : `Đơn vị ${unitId}`,
  NoiDungXuLy: action,
  TrangThai: '4',
  NgayBatDau: unitId === null ? '' : compact(from),
  NgayKetThucTheoQuyDinh: '',
});
