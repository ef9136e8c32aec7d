import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../functions/core/instant.ts';
import { replay } from '../../local/replay.ts';
import { startLocalStack } from '../../local/stack.ts';
import { compact, FEED_UNITS, item, progress, row, snapshots } from '../support/dvcqg.ts';
import { completed, event, type Json, lines } from '../support/events.ts';

/**
 * Dossiers fed only by the national portal's feed (docs/law.md §7), in simulated time on the embedded
 * stack: the same clock, notices and outcome as the same dossiers sent as dunghan's events.
 */

const at = parseInstant;
const RECEIVED = '2026-03-02T08:00:00+07:00';
/** 1.004227, 10 working days from Mon 2/3 08:00: Mon 16/3 17:00. */
const DUE = '2026-03-16T17:00:00+07:00';
const snap = (status: string, extra: Json = {}) =>
  item({ MaHoSo: 'F-1', TrangThaiHoSo: status, NgayTiepNhan: compact(RECEIVED), NgayHenTra: compact(DUE), ...extra });

describe('a dossier fed by snapshots and progress rows', () => {
  it('goes late at the land office that held it, which gets the apology and the escalation, as natively', async () => {
    const feed = [
      snapshots(RECEIVED, [snap('2')]),
      progress(RECEIVED, [row('F-1', 'xa', RECEIVED)]),
      progress('2026-03-02T15:00:00+07:00', [row('F-1', 'xa', RECEIVED, '2026-03-02T15:00:00+07:00', 'Chuyển hồ sơ')]),
      progress('2026-03-03T08:00:00+07:00', [
        row('F-1', 'chi-nhanh-vpdk', '2026-03-03T08:00:00+07:00'),
        row('F-1', 'thue-co-so', '2026-03-03T08:00:00+07:00'),
      ]),
      snapshots('2026-03-03T08:00:00+07:00', [snap('4')]),
      // The tax office sends its notice back to the land office, which keeps the dossier past its own due.
      progress('2026-03-05T10:00:00+07:00', [row('F-1', 'chi-nhanh-vpdk', '2026-03-05T10:00:00+07:00')]),
      progress('2026-03-18T09:00:00+07:00', [
        row('F-1', 'xa', '2026-03-18T09:00:00+07:00', '2026-03-18T09:00:00+07:00', 'Trình ký'),
      ]),
      snapshots('2026-03-18T15:00:00+07:00', [snap('9', { NgayKetThucXuLy: '20260318150000' })]),
      snapshots('2026-03-19T08:00:00+07:00', [
        snap('10', { NgayKetThucXuLy: '20260318150000', NgayTra: '20260319080000' }),
      ]),
    ];
    const until = at('2026-03-31T17:00:00+07:00');
    const r = await replay({ lines: lines([...FEED_UNITS, ...feed]), format: 'dvcqg', until });
    expect(r.rejected).toEqual([]);
    expect(r.dossiers).toHaveLength(1);
    // Late: from Mon 16/3 17:00 to Wed 18/3 15:00 = Tue 17/3 (480) + Wed 07:00-15:00 (360) = 840 working minutes.
    expect(r.dossiers[0]).toMatchObject({
      status: 'resolved',
      statutoryDueAt: DUE,
      finishedAt: '2026-03-18T15:00:00+07:00',
      outcome: 'late',
      minutesLate: 840,
      responsibleUnitId: 'chi-nhanh-vpdk',
    });
    expect(r.dossiers[0]!.steps.map((s) => [s.stepId, s.unitId, s.completedAt])).toEqual([
      ['receive', 'xa', '2026-03-02T15:00:00+07:00'],
      ['land-office', 'chi-nhanh-vpdk', '2026-03-18T09:00:00+07:00'],
      ['tax', 'thue-co-so', '2026-03-05T10:00:00+07:00'],
      ['sign', 'xa', '2026-03-18T15:00:00+07:00'],
    ]);
    const sent = (kind: string) => r.notices.filter((n) => n.kind === kind && n.status === 'sent');
    expect(sent('apology.due').map((n) => n.unitId)).toEqual(['chi-nhanh-vpdk']);
    expect(sent('citizen.apology').map((n) => [n.unitId, n.to])).toEqual([['chi-nhanh-vpdk', '+84 9xx xxx 456']]);
    expect(sent('head.escalation').map((n) => [n.rung, n.unitId])).toEqual([[1, 'chi-nhanh-vpdk']]);

    // The same dossier as dunghan's own events: the same notices, to the same units, at the same instants.
    const native = await replay({
      lines: lines([
        ...FEED_UNITS,
        {
          eventId: 'F-1-received',
          type: 'dossier.received',
          at: RECEIVED,
          dossierId: 'F-1',
          procedureCode: '1.004227',
          procedureName: 'Đăng ký biến động quyền sử dụng đất',
          limit: '10 working days',
          applicant: { name: 'Nguyễn Văn A', phone: '0905123456' },
          receivingUnitId: 'xa',
        },
        completed('F-1', 'receive', '2026-03-02T15:00:00+07:00'),
        completed('F-1', 'tax', '2026-03-05T10:00:00+07:00'),
        completed('F-1', 'land-office', '2026-03-18T09:00:00+07:00'),
        completed('F-1', 'sign', '2026-03-18T15:00:00+07:00'),
        event('F-1', 'dossier.resolved', '2026-03-18T15:00:00+07:00'),
      ]),
      until,
    });
    const view = (x: typeof r) => x.notices.map((n) => [n.noticeId, n.unitId, n.status, n.at, n.text]);
    expect(view(r)).toEqual(view(native));
    expect(r.dossiers[0]!.steps).toEqual(native.dossiers[0]!.steps);
  });

  it('pauses at status 5 (the round’s NgayBoSung) and resumes when it leaves it (NgayTiepNhanBoSung)', async () => {
    const stack = await startLocalStack({ simulatedStart: at('2026-03-01T08:00:00+07:00') });
    try {
      for (const u of FEED_UNITS) await stack.request('POST', '/events', JSON.stringify(u));
      const post = async (when: string, items: Json[]) => {
        await stack.time!.advanceTo(at(when));
        const r = await stack.request('POST', '/dvcqg/DongBoHoSoMC', JSON.stringify(items));
        expect(JSON.parse(r.body).results).toMatchObject(items.map(() => ({ result: 'accepted' })));
      };
      const sheet = async () => JSON.parse((await stack.request('GET', '/dossiers/F-1')).body);
      const round = {
        HoSoBoSungId: 'BS-1',
        NoiDungBoSung: 'Bản sao sổ hộ khẩu',
        NgayBoSung: '20260303100000',
        NgayTiepNhanBoSung: '',
      };
      await post(RECEIVED, [snap('2')]);
      await post('2026-03-03T10:05:00+07:00', [snap('5', { DanhSachHoSoBoSung: [round] })]);
      await stack.time!.advanceTo(at('2026-03-04T12:00:00+07:00'));
      expect(await sheet()).toMatchObject({ status: 'paused', dueAt: null, findings: [] });
      await post('2026-03-05T10:30:00+07:00', [
        snap('4', { DanhSachHoSoBoSung: [{ ...round, NgayTiepNhanBoSung: '20260305100000', TrangThaiBoSung: '1' }] }),
      ]);
      // Paused Tue 3/3 10:00 - Thu 5/3 10:00: two working days, so the due moves from Mon 16/3 to Wed 18/3.
      expect(await sheet()).toMatchObject({
        status: 'in_progress',
        dueAt: '2026-03-18T17:00:00+07:00',
        statutoryDueAt: '2026-03-18T17:00:00+07:00',
      });
    } finally {
      await stack.close();
    }
  });

  it('reads a feed that rewrites 5 to 9 (TD): the 9 without an end but with a request is a pause', async () => {
    const td = (status: string, extra: Json = {}) => snap(status, { NgayYeuCauBoSung: '20260303100000', ...extra });
    const tdRow = (when: string, action: string, status: string) => ({
      MaHoSo: 'F-1',
      NguoiXuLy: 'Cán bộ một cửa',
      ChucDanh: '',
      ThoiDiemXuLy: compact(when),
      PhongBanXuLy: '',
      NoiDungXuLy: action,
      TrangThai: status,
      NgayBatDau: '',
      NgayKetThucTheoQuyDinh: '',
    });
    const feed = [
      snapshots(RECEIVED, [snap('2')], 'array'),
      progress(RECEIVED, [tdRow(RECEIVED, 'Tiếp nhận hồ sơ', '2')]),
      snapshots('2026-03-03T10:00:00+07:00', [td('9')], 'array'),
      progress('2026-03-03T10:00:00+07:00', [tdRow('2026-03-03T10:00:00+07:00', 'Cán bộ trả hồ sơ bổ sung', '9')]),
      snapshots('2026-03-05T10:00:00+07:00', [td('4')], 'array'),
      snapshots('2026-03-17T10:00:00+07:00', [td('9', { NgayKetThucXuLy: '20260317100000' })], 'array'),
    ];
    const r = await replay({
      lines: lines([...FEED_UNITS, ...feed]),
      format: 'dvcqg',
      until: at('2026-03-31T17:00:00+07:00'),
    });
    // Paused Tue 3/3 10:00 - Thu 5/3 10:00: due Wed 18/3 17:00; finished Tue 17/3, a day before: early.
    // Taken at its word, the 9 of 3/3 would have ended the dossier then; ignoring the pause, it is late.
    expect(r.dossiers[0]).toMatchObject({
      status: 'resolved',
      statutoryDueAt: '2026-03-18T17:00:00+07:00',
      finishedAt: '2026-03-17T10:00:00+07:00',
      outcome: 'early',
    });
    expect(r.rejected).toEqual([]);
  });

  it('records a due.mismatch when the feed counted a Saturday, and enforces the law’s due', async () => {
    // 10 working days from Mon 2/3 with Saturday 7/3 counted end Fri 13/3; the law gives Mon 16/3.
    const feed = [snapshots(RECEIVED, [snap('2', { NgayHenTra: '20260313170000' })])];
    const r = await replay({
      lines: lines([...FEED_UNITS, ...feed]),
      format: 'dvcqg',
      until: at('2026-03-02T12:00:00+07:00'),
    });
    expect(r.dossiers[0]).toMatchObject({ dueAt: DUE, statutoryDueAt: DUE });
    expect(r.findings).toEqual([
      {
        kind: 'due.mismatch',
        findingId: 'due.mismatch:2026-03-13T17:00:00+07:00',
        dossierId: 'F-1',
        at: RECEIVED,
        feedDueAt: '2026-03-13T17:00:00+07:00',
        dueAt: DUE,
        workingMinutes: -480,
      },
    ]);
  });

  it('attributes a dossier whose unit it cannot map to the provincial office, and says which name', async () => {
    const s = snap('2', { MaTTHC: '1.001193', NgayHenTra: '', DonViXuLy: 'Phòng Tư pháp xã Hòa Bình' });
    const body = { madonvi: '000.00.99.H99', service: 'DongBoHoSoMC', data: [s] };
    const r = await replay({
      lines: lines([...FEED_UNITS, { at: RECEIVED, service: 'DongBoHoSoMC', body }]),
      format: 'dvcqg',
      until: at('2026-03-02T12:00:00+07:00'),
    });
    expect(r.dossiers[0]!.steps.map((x) => x.unitId)).toEqual(['tinh', 'tinh']);
    expect(r.findings?.map((f) => f.kind === 'unit.unmapped' && [f.field, f.name, f.attributedTo])).toEqual([
      ['DonViXuLy', 'Phòng Tư pháp xã Hòa Bình', 'tinh'],
      ['madonvi', '000.00.99.H99', 'tinh'],
    ]);
  });
});
