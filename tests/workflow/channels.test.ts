import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../functions/core/instant.ts';
import { loadPolicy } from '../../functions/reference/data.ts';
import type { PolicyFile } from '../../functions/schemas/policy.ts';
import { replay } from '../../local/replay.ts';
import { completed, event, type Json, lines, PROVINCE, received, unit } from '../support/events.ts';

// Channels, digests, caps and batches (docs/law.md §6) on the embedded stack in simulated time: the real
// intake, the workflow on the local engine, the outbox as the SMS gateway and the topic.
const until = (iso: string) => parseInstant(iso);
const policy = loadPolicy();
/** The test province's provincial office is `tinh`. */
const withOffice: PolicyFile = { ...policy, provincialOfficeUnitId: 'tinh' };
const sms = (r: Awaited<ReturnType<typeof replay>>) => r.notices.filter((n) => n.parts !== null && n.status === 'sent');

describe('notice channels in simulated time', () => {
  it('folds warnings into the unit’s morning digest (and the topic), never an SMS; the digest lists them', async () => {
    // Step "land" at vpdk, 2 working days from Mon 2/3 08:00 (1,380 minutes): 75 % on Wed 4/3 09:15.
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        received('W-1', '2026-03-02T08:00:00+07:00', '10 working days', [
          [['land', 'vpdk', '2 working days']],
          [['sign', 'xa', '1 working day']],
        ]),
        completed('W-1', 'land', '2026-03-05T10:00:00+07:00'),
        completed('W-1', 'sign', '2026-03-06T10:00:00+07:00'),
      ]),
      until: until('2026-03-10T17:00:00+07:00'),
      stack: { policy: withOffice },
    });
    const warning = r.notices.find((n) => n.noticeId === 'W-1/step.warning/land/v0')!;
    expect(warning).toMatchObject({ status: 'folded', to: null, parts: null, at: '2026-03-04T09:16:00+07:00' });
    expect(r.notices.filter((n) => n.kind === 'step.warning' && n.parts !== null)).toEqual([]);
    // Thu 5/3 07:30: the land step is still open (due Wed 4/3 17:00, now past it): listed first.
    const digest = r.notices.find((n) => n.noticeId === 'digest/vpdk/2026-03-05')!;
    expect(digest).toMatchObject({ status: 'sent', parts: 1, at: '2026-03-05T07:30:00+07:00' });
    expect(digest.text).toBe('TTPVHCC: Sang 05/03, Don vi vpdk: 1 ho so qua han. Can xu ly truoc: W-1 (qua han).');
    expect(r.notices.some((n) => n.noticeId === 'digest/vpdk/2026-03-06')).toBe(false);
  });

  it('caps a head’s SMS at 5 a day: the 6th goes to the next digest, which lists it; citizens are not capped', async () => {
    // Seven dossiers at xa, 1 working day each, all late on Tue 3/3 17:00: seven apology.due SMS wait for
    // Wed 07:00 (heads are told in working time), the seven rung-1 escalations join one batch.
    const ids = Array.from({ length: 7 }, (_, i) => `C-${i + 1}`);
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        ...ids.map((id) =>
          received(id, '2026-03-02T08:00:00+07:00', '1 working day', [[['work', 'xa', '1 working day']]]),
        ),
      ]),
      until: until('2026-03-04T12:00:00+07:00'),
      stack: { policy: withOffice },
    });
    const due = r.notices.filter((n) => n.kind === 'apology.due').sort((a, b) => a.noticeId.localeCompare(b.noticeId));
    expect(due.map((n) => n.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent', 'folded', 'folded']);
    for (const n of due.filter((x) => x.status === 'folded'))
      expect(n.reason).toBe('past the daily cap of 5 SMS to the head of xa');
    // The batch of seven escalations is the head's 6th SMS of Wed: folded too, into the same digest.
    const batch = r.notices.find((n) => n.noticeId === 'batch/xa/r1/2026-03-04T0700')!;
    expect(batch).toMatchObject({ status: 'folded', parts: null });
    const digest = r.notices.find((n) => n.noticeId === 'digest/xa/2026-03-04')!;
    expect(digest).toMatchObject({ status: 'sent', at: '2026-03-04T07:30:00+07:00' });
    for (const id of ids.slice(0, 3)) expect(digest.text).toContain(id);
    expect(digest.text).toContain('7 ho so qua han');
    const toXa = sms(r).filter((n) => n.unitId === 'xa' && n.audience !== 'citizen' && n.at!.startsWith('2026-03-04'));
    expect(toXa).toHaveLength(6); // five SMS, then the digest (counted, never refused: it is where the rest goes)
    expect(r.notices.filter((n) => n.kind === 'citizen.apology' && n.status === 'sent')).toHaveLength(7);
  });

  it('batches escalations of one rung to the same head within 15 minutes into one SMS listing the codes', async () => {
    const ids = ['B-1', 'B-2', 'B-3'];
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        ...ids.map((id) =>
          received(id, '2026-03-02T08:00:00+07:00', '1 working day', [[['work', 'xa', '1 working day']]]),
        ),
      ]),
      until: until('2026-03-04T12:00:00+07:00'),
      stack: { policy: withOffice },
    });
    const members = r.notices.filter((n) => n.kind === 'head.escalation' && !n.noticeId.startsWith('batch/'));
    expect(members.map((n) => [n.noticeId, n.status, n.at])).toEqual(
      ids.map((id) => [`${id}/head.escalation/r1/v0`, 'batched', '2026-03-04T07:01:00+07:00']),
    );
    const batches = r.notices.filter((n) => n.noticeId.startsWith('batch/'));
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ status: 'sent', parts: 1, at: '2026-03-04T07:15:00+07:00', rung: 1 });
    expect(batches[0]!.text).toBe(
      'TTPVHCC: 3 ho so da qua han (canh bao cap 1): B-1, B-2, B-3. De nghi Don vi xa chi dao xu ly dut diem.',
    );
  });

  it('refuses a dossier whose path names an unknown unit, naming the step (the catalogue path too)', async () => {
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        received('U-1', '2026-03-02T08:00:00+07:00', '5 working days', [
          [['receive', 'xa', '1 working day']],
          [
            ['land', 'vpdk', '2 working days'],
            ['tax', 'NO-SUCH-UNIT', '2 working days'],
          ],
        ]),
        {
          ...received('U-2', '2026-03-02T08:00:00+07:00', '10 working days', []),
          path: undefined,
          receivingUnitId: 'xa',
        },
      ]),
      until: until('2026-03-03T17:00:00+07:00'),
    });
    expect(r.rejected).toEqual([
      {
        eventId: 'U-1-received',
        reason:
          'path[1][1].unitId: unit NO-SUCH-UNIT is not known; send its unit.upserted first (a province loads its units before its dossiers)',
      },
      {
        eventId: 'U-2-received',
        reason:
          'path[1][0].unitId: unit chi-nhanh-vpdk (the catalogue path of procedure 1.004227, step land-office) is not known; send its unit.upserted first (a province loads its units before its dossiers)',
      },
    ]);
    expect(r.dossiers).toEqual([]);
    expect(r.notices).toEqual([]);
  });

  it('climbs from a unit without a parent to the provincial office; a head nobody can text is replaced by it', async () => {
    const landline: Json = { ...unit('ban'), head: { name: 'Trưởng ban', phone: '02623812345' } };
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        unit('lone'),
        landline,
        received('O-1', '2026-03-02T08:00:00+07:00', '1 working day', [[['work', 'lone', '1 working day']]]),
        received('O-2', '2026-03-02T08:00:00+07:00', '1 working day', [[['work', 'ban', '1 working day']]]),
      ]),
      until: until('2026-03-12T17:00:00+07:00'),
      stack: { policy: withOffice },
    });
    const ladder = r.notices
      .filter((n) => n.dossierId === 'O-1' && n.kind === 'head.escalation')
      .map((n) => [n.rung, n.unitId]);
    expect(ladder).toEqual([
      [1, 'lone'],
      [2, 'tinh'],
      [3, 'tinh'],
    ]);
    // ban's head has a landline: its apology.due goes to the provincial office's head, with the reason.
    const fallback = r.notices.find((n) => n.noticeId === 'O-2/apology.due/dossier/v0')!;
    expect(fallback).toMatchObject({
      status: 'sent',
      unitId: 'ban',
      reason: 'head of ban: not a mobile number (FIXED_LINE): sent to the provincial office tinh',
    });
    expect(fallback.to).toBe('+84 9xx xxx 678'); // tinh's head (0912345678)
    expect(fallback.text).toMatch(
      /^TTPVHCC: Chuyen Van phong UBND tinh vi khong gui duoc cho Don vi ban \(so cua lanh dao khong nhan duoc tin nhan\)\. Ho so O-2 /,
    );
  });

  it('names steps in Vietnamese (the catalogue’s, an event’s stepName) and gives an hours limit’s new time', async () => {
    const named = received('S-1', '2026-03-02T08:00:00+07:00', '8 working hours', [
      [['work', 'xa', '8 working hours']],
    ]);
    (named.path as Json[][])[0]![0]!.stepName = 'Thẩm định hồ sơ';
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        named,
        {
          ...received('S-2', '2026-03-02T08:00:00+07:00', '1 working day', []),
          path: undefined,
          procedureCode: '1.001193',
          procedureName: 'Đăng ký khai sinh',
          receivingUnitId: 'xa',
        },
        completed('S-2', 'receive', '2026-03-02T09:00:00+07:00'),
      ]),
      until: until('2026-03-06T17:00:00+07:00'),
      stack: { policy: withOffice },
    });
    const warnings = r.notices.filter((n) => n.kind === 'step.warning').map((n) => n.text);
    expect(warnings.some((t) => t?.includes('buoc "Tham dinh ho so"'))).toBe(true);
    expect(warnings.some((t) => t?.includes('buoc "Ghi so, dang ky"'))).toBe(true);
    expect(warnings.every((t) => !/buoc "(work|register)"/.test(t ?? ''))).toBe(true);
    // 8 working hours from Mon 08:00 end Tue 3/3 08:00, missed: the new appointment is a later working
    // day, with its time (the next full hour after the work left, counted from Wed's opening).
    const apology = r.notices.find((n) => n.noticeId === 'S-1/citizen.apology/dossier/v0')!;
    expect(apology.text).toContain('tre hen ngay 03/03/2026');
    expect(apology.text).toContain('Hen tra ket qua moi: 08:00 ngay 04/03/2026.');
    expect(apology.parts).toBe(1);
  });

  it('alarms the asking unit’s head at a second supplement request (and the level above for a priority citizen)', async () => {
    const path: [string, string, string][][] = [[['appraise', 'vpdk', '10 working days']]];
    const requests = (id: string) => [
      event(id, 'supplement.requested', '2026-03-03T09:00:00+07:00', { eventId: `${id}-s1`, unitId: 'vpdk' }),
      event(id, 'supplement.received', '2026-03-04T09:00:00+07:00', { eventId: `${id}-r1` }),
      event(id, 'supplement.requested', '2026-03-05T09:00:00+07:00', { eventId: `${id}-s2`, unitId: 'vpdk' }),
    ];
    const r = await replay({
      lines: lines([
        ...PROVINCE,
        received('A-1', '2026-03-02T08:00:00+07:00', '15 working days', path),
        ...requests('A-1'),
        received('A-2', '2026-03-02T08:00:00+07:00', '15 working days', path, {
          applicant: { name: 'Cụ Lê Văn D', phone: '0905123457', priority: 'elderly' },
        }),
        ...requests('A-2'),
      ]),
      until: until('2026-03-06T12:00:00+07:00'),
      stack: { policy: withOffice },
    });
    const alarms = r.notices.filter((n) => n.kind === 'supplement.alarm');
    expect(alarms.map((n) => [n.noticeId, n.unitId, n.status, n.at])).toEqual([
      ['A-1/supplement.alarm/s2-r1/v0', 'vpdk', 'sent', '2026-03-05T09:01:00+07:00'],
      ['A-2/supplement.alarm/s2-r1/v0', 'vpdk', 'sent', '2026-03-05T09:01:00+07:00'],
      ['A-2/supplement.alarm/s2-r2/v0', 'so', 'sent', '2026-03-05T09:01:00+07:00'],
    ]);
    expect(alarms[0]!.text).toContain('bi yeu cau bo sung lan thu 2, lan nay do Don vi vpdk yeu cau');
    expect(alarms[2]!.text).toContain('Nguoi nop la nguoi cao tuoi');
    expect(alarms.every((n) => n.parts === 1 || n.parts === 2)).toBe(true);
  });
});
