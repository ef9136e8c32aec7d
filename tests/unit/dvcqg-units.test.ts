import { describe, expect, it } from 'vitest';
import { limitEndingAt } from '../../functions/core/clock.ts';
import { matchUnit, unitDirectory } from '../../functions/core/unit-names.ts';
import { loadFeedSettings } from '../../functions/reference/data.ts';
import { FeedSettingsSchema } from '../../functions/schemas/feed-settings.ts';
import { at, calendar } from '../support/calendar.ts';

/** The feed's unit texts against dunghan's units, and the limit of a procedure the catalogue lacks. */

const directory = unitDirectory(
  [
    { unitId: 'cong-an-tinh', name: 'Công an tỉnh' },
    { unitId: 'xa-ea-kar', name: 'UBND xã Ea Kar' },
    { unitId: 'so-a', name: 'Sở Tài chính' },
    { unitId: 'so-b', name: 'Sở Tài chính' },
  ],
  [{ unitId: 'cong-an-tinh', names: ['000.00.31.H15', 'CA tỉnh Đắk Lắk'] }],
);

describe('unit mapping', () => {
  it('finds a unit by id, by alias (codes and names), or by name: trimmed, NFC, case-insensitive', () => {
    expect(matchUnit(directory, 'cong-an-tinh')).toEqual({ unitId: 'cong-an-tinh' });
    expect(matchUnit(directory, 'CONG-AN-TINH')).toEqual({ unitId: 'cong-an-tinh' });
    expect(matchUnit(directory, '000.00.31.H15')).toEqual({ unitId: 'cong-an-tinh' });
    expect(matchUnit(directory, 'ca tỉnh đắk lắk')).toEqual({ unitId: 'cong-an-tinh' });
    expect(matchUnit(directory, '  UBND  XÃ EA KAR ')).toEqual({ unitId: 'xa-ea-kar' });
    expect(matchUnit(directory, 'UBND xã Ea Kar'.normalize('NFD'))).toEqual({ unitId: 'xa-ea-kar' });
  });

  it('maps nothing it cannot tell apart, and says why', () => {
    expect(matchUnit(directory, 'Sở Tài chính')).toEqual({ unitId: null, reason: 'names 2 units (so-a, so-b)' });
    expect(matchUnit(directory, 'Phòng Tư pháp')).toEqual({
      unitId: null,
      reason: 'names no known unit (by id, alias or name)',
    });
  });

  it('validates the aliases: one name, one unit', () => {
    const bad = FeedSettingsSchema.safeParse({
      id: 'x',
      pauseOnFinancialObligation: false,
      aliases: [
        { unitId: 'a', names: ['Phòng A'] },
        { unitId: 'b', names: [' phòng a'] },
      ],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({
      path: ['aliases', 1, 'names', 0],
      message: '"phòng a" is already an alias of a',
    });
    expect(
      FeedSettingsSchema.safeParse({
        id: 'x',
        pauseOnFinancialObligation: false,
        aliases: [{ unitId: 'a', names: [] }],
      }).success,
    ).toBe(false);
    expect(loadFeedSettings('daklak').provincialOfficeUnitId).toBe('ubnd-tinh');
  });
});

describe('the limit of a procedure not in the catalogue, from NgayHenTra', () => {
  it('is whole working days when the appointment closes a working day', () => {
    // Thu 12/02/2026 14:00 + 5 working days, Tết 16-20/02 off: Thu 26/02 17:00 (docs/law.md §3).
    expect(limitEndingAt(calendar, at('2026-02-12T14:00:00+07:00'), at('2026-02-26T17:00:00+07:00'))).toEqual({
      amount: 5,
      unit: 'days',
    });
    // A date-only appointment (midnight after the close) counts from that close.
    expect(limitEndingAt(calendar, at('2026-02-12T14:00:00+07:00'), at('2026-02-27T00:00:00+07:00'))).toEqual({
      amount: 5,
      unit: 'days',
    });
  });

  it('is working hours, rounded up, otherwise; null when not after the receipt', () => {
    expect(limitEndingAt(calendar, at('2026-03-02T08:00:00+07:00'), at('2026-03-02T10:30:00+07:00'))).toEqual({
      amount: 3,
      unit: 'hours',
    });
    expect(limitEndingAt(calendar, at('2026-03-02T08:00:00+07:00'), at('2026-03-02T07:00:00+07:00'))).toBeNull();
  });
});
