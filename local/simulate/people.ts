import { picker } from '../tools/random.ts';

/**
 * Invented people for the simulated season: applicants and heads of units with common Kinh names and,
 * now and then, Ê Đê and M'nông ones, and phone numbers in a valid Vietnamese mobile format (the local
 * outbox sends nothing anywhere). Every draw comes from the caller's seeded generator, in a fixed order.
 */

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Ngọc', 'Thanh', 'Quốc', 'Thu', 'Xuân'];
const GIVEN = [
  'An',
  'Bình',
  'Chi',
  'Dũng',
  'Giang',
  'Hà',
  'Hải',
  'Hạnh',
  'Hùng',
  'Lan',
  'Linh',
  'Long',
  'Mai',
  'Nam',
  'Nga',
  'Phúc',
  'Quân',
  'Sơn',
  'Tâm',
  'Thảo',
  'Trang',
  'Tuấn',
  'Vy',
  'Yến',
];
/** Ê Đê and M'nông names, as common in the Central Highlands. */
const HIGHLAND = [
  "H'Hen Niê",
  'Y Bih Mlô',
  "H'Linh Niê",
  'Y Khoa Êban',
  "H'Mai Byă",
  'Y Thuật Buôn Yă',
  "H'Yâo Knul",
  'Y Nguyên Ayŭn',
];
/** Mobile prefixes after the 2018 conversion (docs/law.md §6). */
const MOBILE_PREFIXES = [
  '032',
  '033',
  '034',
  '035',
  '036',
  '037',
  '038',
  '039',
  '056',
  '058',
  '070',
  '076',
  '077',
  '078',
  '079',
  '081',
  '082',
  '083',
  '084',
  '085',
  '086',
  '088',
  '090',
  '091',
  '093',
  '094',
  '096',
  '097',
  '098',
];
export interface InventedPeople {
  name: () => string;
  /** A mobile number: it can take an SMS. */
  mobile: () => string;
  /** A mobile number, or at the given share a landline that cannot take an SMS. */
  phone: () => string;
}

export function inventedPeople(rnd: () => number, landlineShare: number): InventedPeople {
  const pick = picker(rnd);
  const name = () => (rnd() < 0.15 ? pick(HIGHLAND) : `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`);
  const mobile = () => `${pick(MOBILE_PREFIXES)}${String(Math.floor(rnd() * 1e7)).padStart(7, '0')}`;
  // Đắk Lắk's landlines (area code 0262) cannot take an SMS: the outbox marks them undeliverable.
  const phone = () => (rnd() < landlineShare ? `0262${String(3_000_000 + Math.floor(rnd() * 999_999))}` : mobile());
  return { name, mobile, phone };
}
