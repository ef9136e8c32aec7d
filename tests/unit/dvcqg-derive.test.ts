import { describe, expect, it } from 'vitest';
import { deriveSnapshot, type ReceiptPlan, type SnapshotDerivation } from '../../functions/core/feed.ts';
import { deriveHandOver } from '../../functions/core/feed-handover.ts';
import { feedEventId, receivesNow } from '../../functions/core/feed-state.ts';
import { parseInstant } from '../../functions/core/instant.ts';
import { type DvcqgSnapshot, type DvcqgStatus, parseSnapshot } from '../../functions/schemas/dvcqg.ts';
import type { FeedState } from '../../functions/schemas/records.ts';
import { item } from '../support/dvcqg.ts';

/** Every status transition of the portal's feed, as the pure derivation turns it into dunghan's events. */

const at = parseInstant;
const NOW = at('2026-03-02T09:00:00+07:00');
const PLAN: ReceiptPlan = {
  procedureCode: '1.004227',
  procedureName: 'Đăng ký biến động quyền sử dụng đất',
  limit: '10 working days',
  receivingUnitId: 'xa',
  path: [
    [{ stepId: 'receive', unitId: 'xa', budget: '1 working day' }],
    [
      { stepId: 'land', unitId: 'vpdk', budget: '5 working days' },
      { stepId: 'tax', unitId: 'thue', budget: '3 working days' },
    ],
    [{ stepId: 'sign', unitId: 'xa', budget: '2 working days' }],
  ],
  catalogued: true,
  limitField: 'MaTTHC',
};
const rules = (pauseStatuses: DvcqgStatus[] = ['5']) => ({ pauseStatuses });

const snapshot = (extra: Record<string, unknown>): DvcqgSnapshot => {
  const r = parseSnapshot(item(extra));
  if (!r.ok) throw new Error(`${r.field}: ${r.reason}`);
  return r.item;
};

/** Applies snapshots in turn; returns the last derivation and every event derived. */
function feed(steps: [Record<string, unknown>, number?][], pauseStatuses?: DvcqgStatus[]) {
  let state: FeedState | null = null;
  let last: SnapshotDerivation | null = null;
  const events: Record<string, unknown>[] = [];
  for (const [extra, now = NOW] of steps) {
    const s = snapshot(extra);
    const digest = JSON.stringify(s);
    const plan = receivesNow(state, s, digest) ? PLAN : null;
    last = deriveSnapshot(state, s, { digest, raw: '{}', now, rules: rules(pauseStatuses), plan });
    if (last.kind === 'applied') {
      state = last.state;
      events.push(...last.events.map((e) => e.event));
    }
  }
  return { state: state!, last: last!, events, types: events.map((e) => `${e.type}@${e.at}`) };
}

describe('snapshot transitions', () => {
  it('1: registered online, no clock; 2: received at NgayTiepNhan with the planned path', () => {
    const r = feed([[{ TrangThaiHoSo: '1' }], [{ TrangThaiHoSo: '2' }]]);
    expect(r.types).toEqual(['dossier.received@2026-03-02T08:00:00+07:00']);
    expect(r.events[0]).toMatchObject({
      eventId: 'dvcqg:HS-1:received:20260302080000',
      dossierId: 'HS-1',
      procedureCode: '1.004227',
      limit: '10 working days',
      applicant: { name: 'Nguyễn Văn A', phone: '0905123456' },
      receivingUnitId: 'xa',
      path: PLAN.path,
    });
    expect(r.state.receipt?.steps.map((s) => `${s.stepId}:${s.stage}`)).toEqual([
      'receive:0',
      'land:1',
      'tax:1',
      'sign:2',
    ]);
    const one = feed([[{ TrangThaiHoSo: '1' }]]);
    expect(one.events).toEqual([]);
    expect(one.last).toMatchObject({ kind: 'applied', notes: [expect.stringContaining('no clock')] });
  });

  it('a dossier without phone or name is still received (its deadline binds)', () => {
    const r = feed([[{ SoDienThoai: '', ChuHoSo: '' }]]);
    expect(r.events[0]!.applicant).toEqual({});
  });

  it('refuses a receipt without NgayTiepNhan, naming it', () => {
    expect(feed([[{ NgayTiepNhan: '' }]]).last).toEqual({
      kind: 'refused',
      field: 'NgayTiepNhan',
      reason: 'is required once the dossier is received (TrangThaiHoSo 2 or later)',
    });
  });

  it('4 changes nothing; 5 pauses at the newest round NgayBoSung; back to 4 resumes at its NgayTiepNhanBoSung', () => {
    const round = { HoSoBoSungId: '1', NgayBoSung: '20260303100000', NgayTiepNhanBoSung: '' };
    const r = feed([
      [{}],
      [{ TrangThaiHoSo: '4' }],
      [{ TrangThaiHoSo: '5', DanhSachHoSoBoSung: [round] }],
      [{ TrangThaiHoSo: '4', DanhSachHoSoBoSung: [{ ...round, NgayTiepNhanBoSung: '20260306140000' }] }],
    ]);
    expect(r.types).toEqual([
      'dossier.received@2026-03-02T08:00:00+07:00',
      'supplement.requested@2026-03-03T10:00:00+07:00',
      'supplement.received@2026-03-06T14:00:00+07:00',
    ]);
    expect(r.events[1]!.eventId).toBe('dvcqg:HS-1:supplement-requested:20260303100000');
  });

  it('without rounds (opencps sends them empty) a pause and its end are at the snapshots’ times', () => {
    const t5 = at('2026-03-04T10:00:00+07:00');
    const t4 = at('2026-03-09T08:30:00+07:00');
    const r = feed([[{}], [{ TrangThaiHoSo: '5' }, t5], [{ TrangThaiHoSo: '4' }, t4]]);
    expect(r.types.slice(1)).toEqual([
      'supplement.requested@2026-03-04T10:00:00+07:00',
      'supplement.received@2026-03-09T08:30:00+07:00',
    ]);
  });

  it('uses NgayYeuCauBoSung when there is no round (the TD system)', () => {
    const r = feed([[{}], [{ TrangThaiHoSo: '5', NgayYeuCauBoSung: '20260303150000' }]]);
    expect(r.types.at(-1)).toBe('supplement.requested@2026-03-03T15:00:00+07:00');
  });

  it('6 pauses only when configured', () => {
    expect(feed([[{}], [{ TrangThaiHoSo: '6' }]]).types).toHaveLength(1);
    expect(feed([[{}], [{ TrangThaiHoSo: '6' }]], ['5', '6']).types.at(-1)).toBe(
      'supplement.requested@2026-03-02T09:00:00+07:00',
    );
  });

  it('a round asked and answered between two snapshots is a pause and its end', () => {
    const round = { NgayBoSung: '20260303100000', NgayTiepNhanBoSung: '20260304100000' };
    const r = feed([
      [{}],
      [{ TrangThaiHoSo: '4', DanhSachHoSoBoSung: [round] }],
      [{ TrangThaiHoSo: '4', DanhSachHoSoBoSung: [round], GhiChu: 'x' }],
    ]);
    expect(r.types.slice(1)).toEqual([
      'supplement.requested@2026-03-03T10:00:00+07:00',
      'supplement.received@2026-03-04T10:00:00+07:00',
    ]);
  });

  it('9 ends processing at NgayKetThucXuLy: every open step with it, then resolved', () => {
    const r = feed([[{}], [{ TrangThaiHoSo: '9', NgayKetThucXuLy: '20260310160000' }]]);
    expect(r.types.slice(1)).toEqual([
      'step.completed@2026-03-10T16:00:00+07:00',
      'step.completed@2026-03-10T16:00:00+07:00',
      'step.completed@2026-03-10T16:00:00+07:00',
      'step.completed@2026-03-10T16:00:00+07:00',
      'dossier.resolved@2026-03-10T16:00:00+07:00',
    ]);
    expect(r.events.at(-1)!.eventId).toBe('dvcqg:HS-1:resolved:20260310160000');
    expect(r.state.closed).toEqual({ status: 'resolved', at: at('2026-03-10T16:00:00+07:00') });
  });

  it('9 without NgayKetThucXuLy proves no end: the dossier stays open', () => {
    const r = feed([[{}], [{ TrangThaiHoSo: '9' }]]);
    expect(r.types).toHaveLength(1);
    expect(r.last).toMatchObject({ kind: 'applied', notes: [expect.stringContaining('proves no end')] });
  });

  it('5 rewritten to 9 (the TD system): a 9 with a new NgayYeuCauBoSung and no end pauses', () => {
    const r = feed([
      [{}],
      [{ TrangThaiHoSo: '9', NgayYeuCauBoSung: '20260303100000' }],
      [{ TrangThaiHoSo: '4', NgayYeuCauBoSung: '20260303100000' }, at('2026-03-05T09:00:00+07:00')],
      [{ TrangThaiHoSo: '9', NgayYeuCauBoSung: '20260303100000', NgayKetThucXuLy: '20260312100000' }],
    ]);
    expect(r.types.slice(1, 3)).toEqual([
      'supplement.requested@2026-03-03T10:00:00+07:00',
      'supplement.received@2026-03-05T09:00:00+07:00',
    ]);
    expect(r.types.at(-1)).toBe('dossier.resolved@2026-03-12T10:00:00+07:00');
  });

  it('leaving 5 straight to 9: the supplement ends at its arrival, or with the end of processing', () => {
    const round = { NgayBoSung: '20260303100000', NgayTiepNhanBoSung: '' };
    const answered = feed([
      [{}],
      [{ TrangThaiHoSo: '5', DanhSachHoSoBoSung: [round] }],
      [
        {
          TrangThaiHoSo: '9',
          NgayKetThucXuLy: '20260310100000',
          DanhSachHoSoBoSung: [{ ...round, NgayTiepNhanBoSung: '20260305080000' }],
        },
      ],
    ]);
    expect(answered.types[2]).toBe('supplement.received@2026-03-05T08:00:00+07:00');
    const late = feed([
      [{}],
      [{ TrangThaiHoSo: '5', DanhSachHoSoBoSung: [round] }],
      [{ TrangThaiHoSo: '9', NgayKetThucXuLy: '20260310100000' }, at('2026-03-20T10:00:00+07:00')],
    ]);
    expect(late.types[2]).toBe('supplement.received@2026-03-10T10:00:00+07:00');
    expect(late.types.at(-1)).toBe('dossier.resolved@2026-03-10T10:00:00+07:00');
  });

  it('10 without 9 resolves at NgayKetThucXuLy or NgayTra; 10 after 9 changes nothing', () => {
    expect(feed([[{ TrangThaiHoSo: '10', NgayTra: '20260311090000' }]]).types.at(-1)).toBe(
      'dossier.resolved@2026-03-11T09:00:00+07:00',
    );
    expect(
      feed([[{ TrangThaiHoSo: '10', NgayKetThucXuLy: '20260310170000', NgayTra: '20260311090000' }]]).types.at(-1),
    ).toBe('dossier.resolved@2026-03-10T17:00:00+07:00');
    const after = feed([
      [{ TrangThaiHoSo: '9', NgayKetThucXuLy: '20260310170000' }],
      [{ TrangThaiHoSo: '10', NgayKetThucXuLy: '20260310170000', NgayTra: '20260311090000' }],
    ]);
    expect(after.last).toMatchObject({
      kind: 'applied',
      events: [],
      notes: [expect.stringContaining('already resolved')],
    });
    expect(feed([[{ TrangThaiHoSo: '10' }]]).last).toMatchObject({ kind: 'refused', field: 'NgayTra' });
  });

  it('3, 7, 8: refused, withdrawn, stopped (the clock ends, no step completes)', () => {
    const three = feed([[{}], [{ TrangThaiHoSo: '3', NgayTuChoi: '20260302100000' }]]);
    expect(three.types.at(-1)).toBe('dossier.rejected@2026-03-02T10:00:00+07:00');
    expect(three.events.at(-1)!.reason).toContain('TrangThaiHoSo 3');
    expect(feed([[{}], [{ TrangThaiHoSo: '7' }]]).types.at(-1)).toBe('dossier.withdrawn@2026-03-02T09:00:00+07:00');
    const stopped = feed([[{}], [{ TrangThaiHoSo: '5' }], [{ TrangThaiHoSo: '8', NgayKetThucXuLy: '20260320100000' }]]);
    // Stopped while the papers were awaited: the supplement never came, so no supplement.received.
    expect(stopped.types.slice(1)).toEqual([
      'supplement.requested@2026-03-02T09:00:00+07:00',
      'dossier.returned@2026-03-20T10:00:00+07:00',
    ]);
  });

  it('refuses an end before the receipt, naming the field', () => {
    expect(feed([[{ TrangThaiHoSo: '9', NgayKetThucXuLy: '20260301100000' }]]).last).toMatchObject({
      kind: 'refused',
      field: 'NgayKetThucXuLy',
      reason: expect.stringContaining('before NgayTiepNhan'),
    });
  });

  it('the same snapshot twice, or an older one after a newer, changes nothing', () => {
    const twice = feed([[{}], [{}]]);
    expect(twice.last).toEqual({ kind: 'unchanged', note: 'the same snapshot again: nothing changed' });
    const older = feed([[{ TrangThaiHoSo: '9', NgayKetThucXuLy: '20260310170000' }], [{ TrangThaiHoSo: '4' }]]);
    expect(older.last).toMatchObject({
      kind: 'unchanged',
      note: expect.stringContaining('older than the snapshot already applied'),
    });
    expect(older.events.at(-1)!.type).toBe('dossier.resolved');
  });

  it('gives the same ids for the same feed, and hashes ids that would be too long', () => {
    const a = feed([[{}], [{ TrangThaiHoSo: '9', NgayKetThucXuLy: '20260310160000' }]]);
    const b = feed([[{}], [{ TrangThaiHoSo: '9', NgayKetThucXuLy: '20260310160000' }]]);
    expect(a.events).toEqual(b.events);
    const long = feedEventId('D'.repeat(80), `${'s'.repeat(80)}:completed`, NOW);
    expect(long).toMatch(/^dvcqg:h[0-9a-z]+$/);
    expect(long.length).toBeLessThanOrEqual(128);
    expect(feedEventId('D'.repeat(80), `${'t'.repeat(80)}:completed`, NOW)).not.toBe(long);
  });
});

describe('progress rows: who holds the dossier from when', () => {
  const received = () => feed([[{}]]).state;
  const row = (unitId: string | null, from: string, acted = from) => ({ unitId, from: at(from), at: at(acted) });
  const types = (events: ReturnType<typeof deriveHandOver>) => events.map((e) => `${e.event.stepId}@${e.event.at}`);

  it('a hand-over to a later step’s unit completes the steps before it, each at its unit’s last action', () => {
    const st = received();
    expect(deriveHandOver(st, row('xa', '2026-03-02T08:00:00+07:00'))).toEqual([]);
    expect(deriveHandOver(st, row('xa', '2026-03-02T08:00:00+07:00', '2026-03-02T15:00:00+07:00'))).toEqual([]);
    expect(types(deriveHandOver(st, row('vpdk', '2026-03-03T08:00:00+07:00')))).toEqual([
      'receive@2026-03-02T15:00:00+07:00',
    ]);
    // The tax office joins the same stage: nothing completes.
    expect(deriveHandOver(st, row('thue', '2026-03-03T08:00:00+07:00'))).toEqual([]);
    expect(deriveHandOver(st, row('thue', '2026-03-03T08:00:00+07:00', '2026-03-04T10:00:00+07:00'))).toEqual([]);
    expect(deriveHandOver(st, row('vpdk', '2026-03-03T08:00:00+07:00', '2026-03-09T11:00:00+07:00'))).toEqual([]);
    // Back at the commune for the signature: land and tax end at their own last actions.
    expect(types(deriveHandOver(st, row('xa', '2026-03-09T13:30:00+07:00')))).toEqual([
      'land@2026-03-09T11:00:00+07:00',
      'tax@2026-03-04T10:00:00+07:00',
    ]);
    expect(st.holds.map((h) => h.stepId)).toEqual(['receive', 'land', 'tax', 'sign']);
  });

  it('in a parallel stage, the dossier coming back to a sibling’s unit ends the other steps it went to', () => {
    const st = received();
    deriveHandOver(st, row('xa', '2026-03-02T08:00:00+07:00'));
    deriveHandOver(st, row('vpdk', '2026-03-03T08:00:00+07:00'));
    deriveHandOver(st, row('thue', '2026-03-04T08:00:00+07:00'));
    // The tax office sends its notice back to the land office: tax is done, land goes on.
    expect(types(deriveHandOver(st, row('vpdk', '2026-03-05T10:00:00+07:00')))).toEqual([
      'tax@2026-03-05T10:00:00+07:00',
    ]);
    expect(st.completed.land).toBeUndefined();
    expect(types(deriveHandOver(st, row('xa', '2026-03-09T08:00:00+07:00')))).toEqual([
      'land@2026-03-09T08:00:00+07:00',
    ]);
  });

  it('a unit not on the remaining path, or an unmapped one, moves nothing', () => {
    const st = received();
    expect(deriveHandOver(st, row('so', '2026-03-03T08:00:00+07:00'))).toEqual([]);
    expect(deriveHandOver(st, row(null, '2026-03-03T09:00:00+07:00'))).toEqual([]);
    expect(st.completed).toEqual({});
  });

  it('the same unit taking the dossier again with a new start is its next step', () => {
    const st = received();
    deriveHandOver(st, row('xa', '2026-03-02T08:00:00+07:00'));
    expect(types(deriveHandOver(st, row('xa', '2026-03-04T08:00:00+07:00')))).toEqual([
      'receive@2026-03-04T08:00:00+07:00',
      'land@2026-03-04T08:00:00+07:00',
      'tax@2026-03-04T08:00:00+07:00',
    ]);
  });

  it('does nothing before the receipt or after the end', () => {
    const closed = feed([[{ TrangThaiHoSo: '9', NgayKetThucXuLy: '20260310170000' }]]).state;
    expect(deriveHandOver(closed, row('vpdk', '2026-03-03T08:00:00+07:00'))).toEqual([]);
    const registered = feed([[{ TrangThaiHoSo: '1' }]]).state;
    expect(deriveHandOver(registered, row('vpdk', '2026-03-03T08:00:00+07:00'))).toEqual([]);
  });
});
