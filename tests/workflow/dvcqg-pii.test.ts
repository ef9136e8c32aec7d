import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseInstant } from '../../functions/core/instant.ts';
import type { ExecutionEvent } from '../../local/engine.ts';
import { replay } from '../../local/replay.ts';
import type { LocalStack } from '../../local/stack.ts';
import { compact, FEED_UNITS, item, progress, row, snapshots } from '../support/dvcqg.ts';
import { lines } from '../support/events.ts';
import { leaks, nameNeedles, phoneNeedles } from '../support/pii.ts';

/**
 * The national portal's feed carries more personal data than dunghan's events (e-mail, officers'
 * names, identity numbers): none of it may reach a log line, an execution's input or history, or a
 * refusal. As tests/workflow/pii.test.ts for /events, with the logger at DEBUG.
 */

const PEOPLE = [
  { name: 'Trần Thị Bích Ngọc', phone: '0912 345 678', email: 'ngoc.tran@example.vn', id: '079190001234' },
  { name: 'Lê Hoàng Phúc', phone: '+84912345679', email: 'phuc.le@example.vn', id: '079190005678' },
];
const OFFICER = 'Phan Thanh Tùng';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('personal data through the feed', () => {
  it('a feed with names, numbers, e-mails and identity numbers leaks none of them', async () => {
    const logLines: string[] = [];
    for (const stream of [process.stdout, process.stderr])
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown) => {
        logLines.push(String(chunk));
        return true;
      }) as typeof stream.write);
    const executionEvents: ExecutionEvent[] = [];
    let stack: LocalStack | undefined;
    const snap = (i: number, status: string, extra: Record<string, unknown> = {}) =>
      item({
        MaHoSo: `PF-${i}`,
        TrangThaiHoSo: status,
        ChuHoSo: PEOPLE[i]!.name,
        SoDienThoai: PEOPLE[i]!.phone,
        Email: PEOPLE[i]!.email,
        DinhDanhCHS: [{ SoDinhDanh: PEOPLE[i]!.id, LoaiDinhDanh: '1' }],
        TrichYeuHoSo: `Hồ sơ của ${PEOPLE[i]!.name}`,
        ...extra,
      });
    const officerRow = (i: number, unitId: string, from: string) => ({
      ...row(`PF-${i}`, unitId, from),
      NguoiXuLy: OFFICER,
    });
    const feed = [0, 1].flatMap((i) => [
      snapshots('2026-03-02T08:00:00+07:00', [snap(i, '2')]),
      progress('2026-03-02T08:00:00+07:00', [officerRow(i, 'xa', '2026-03-02T08:00:00+07:00')]),
      progress('2026-03-03T08:00:00+07:00', [officerRow(i, 'chi-nhanh-vpdk', '2026-03-03T08:00:00+07:00')]),
      snapshots('2026-03-20T10:00:00+07:00', [snap(i, '9', { NgayKetThucXuLy: compact('2026-03-20T10:00:00+07:00') })]),
    ]);
    // Items a broken system might send, with the same data in the wrong shapes: each refused.
    const hostile = snapshots('2026-03-02T09:00:00+07:00', [
      snap(0, '2', { MaHoSo: 'PF-9', SoDienThoai: `tel ${PEOPLE[0]!.phone}` }),
      snap(1, '2', { MaHoSo: 'PF-10', ChuHoSo: { ten: PEOPLE[1]!.name } }),
      snap(0, PEOPLE[0]!.name, { MaHoSo: 'PF-11' }),
      snap(1, '2', { MaHoSo: PEOPLE[1]!.email }),
    ]);
    const r = await replay({
      lines: lines([...FEED_UNITS, ...feed, hostile]),
      format: 'dvcqg',
      until: parseInstant('2026-03-31T17:00:00+07:00'),
      stack: {
        logLevel: 'DEBUG',
        observe: (s) => {
          stack = s;
          s.executions.onExecutionEvent = (_, e) => void executionEvents.push(e);
        },
      },
    });
    vi.restoreAllMocks();

    // The capture saw the work: two late dossiers, their apologies, four refused items.
    expect(r.dossiers.map((d) => [d.dossierId, d.outcome])).toEqual([
      ['PF-0', 'late'],
      ['PF-1', 'late'],
    ]);
    expect(r.notices.filter((n) => n.kind === 'citizen.apology' && n.status === 'sent')).toHaveLength(2);
    expect(r.rejected.map((x) => x.reason.split(': ')[1])).toEqual([
      'DongBoHoSoMC item 0 (MaHoSo PF-9)',
      'DongBoHoSoMC item 1 (MaHoSo PF-10)',
      'DongBoHoSoMC item 2 (MaHoSo PF-11)',
      'DongBoHoSoMC item 3',
    ]);
    expect(logLines.some((l) => l.includes('"event ingested"'))).toBe(true);
    // Each execution's input is its dossier's id alone (a dossier that parked has several executions).
    const inputs = executionEvents
      .filter((e) => e.type === 'ExecutionStarted')
      .map((e) => JSON.stringify((e as { input: unknown }).input));
    expect([...new Set(inputs)].sort()).toEqual(['{"dossierId":"PF-0"}', '{"dossierId":"PF-1"}']);

    const needles = [
      ...PEOPLE.flatMap((p) => [...nameNeedles(p.name), ...phoneNeedles(p.phone), p.email, p.id]),
      ...nameNeedles(OFFICER),
    ];
    expect(leaks(logLines, needles)).toEqual([]);
    expect(
      leaks(
        executionEvents.map((e) => JSON.stringify(e)),
        needles,
      ),
    ).toEqual([]);
    expect(
      leaks(
        r.rejected.map((x) => x.reason),
        needles,
      ),
    ).toEqual([]);
    expect(leaks([JSON.stringify(r.findings), JSON.stringify(r.notices)], needles)).toEqual([]);
    // The outbox holds one SMS per notice sent by SMS, and one topic copy per notice the topic carried.
    const through = (channel: string) => r.notices.filter((n) => (n.channels ?? []).includes(channel));
    const outboxBy = (channel: string) => stack!.outbox.messages.filter((m) => m.channel === channel);
    expect(outboxBy('sms')).toHaveLength(through('sms').filter((n) => n.status === 'sent').length);
    expect(outboxBy('topic')).toHaveLength(through('topic').length);
    expect(outboxBy('sms').length).toBeGreaterThan(0);
  }, 60_000);
});
