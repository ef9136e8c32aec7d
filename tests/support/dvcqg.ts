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
