import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionEvent } from '../../local/engine.ts';
import { replay } from '../../local/replay.ts';
import type { LocalStack } from '../../local/stack.ts';
import { completed, event, type Json, lines, received } from '../support/events.ts';
import { leaks, nameNeedles, phoneNeedles } from '../support/pii.ts';

/**
 * No personal data in logs, execution input or history, or error messages (execution input is ids only). A replay with
 * known names and phone numbers (in every accepted format) runs with the
 * logger at DEBUG; every log line, every event of every local execution (states' inputs and outputs)
 * and every rejection reason is searched for them. The outbox is the one place a notice's text goes.
 */

const APPLICANTS = [
  { name: 'Trần Thị Bích Ngọc', phone: '0912345678' },
  { name: 'Lê Hoàng Phúc', phone: '+84912345679' },
  { name: 'Đặng Minh Khôi', phone: '84912345670' },
  { name: 'Vũ Thanh Hương', phone: '0912 345 671' },
  { name: 'Hồ Quang Vĩnh', phone: '+84 912 345 672' },
];
const HEADS: Record<string, { name: string; phone: string }> = {
  tinh: { name: 'Nguyễn Đức Thắng', phone: '0987654321' },
  so: { name: 'Phạm Văn Quyết', phone: '+84987654322' },
  vpdk: { name: 'Bùi Thị Lan Anh', phone: '84987654323' },
  xa: { name: 'Đỗ Trọng Hiếu', phone: '0987 654 324' },
  thue: { name: 'Ngô Quốc Bảo', phone: '+84 98 765 4325' },
};
const PARENTS: Record<string, string | undefined> = {
  tinh: undefined,
  so: 'tinh',
  vpdk: 'so',
  xa: 'tinh',
  thue: 'tinh',
};

const unitWithHead = (unitId: string): Json => ({
  eventId: `unit-${unitId}`,
  type: 'unit.upserted',
  at: '2026-01-05T08:00:00+07:00',
  unitId,
  name: `Đơn vị ${unitId}`,
  ...(PARENTS[unitId] ? { parentUnitId: PARENTS[unitId] } : {}),
  head: HEADS[unitId],
});

const PATH: [string, string, string][][] = [
  [['receive', 'xa', '1 working day']],
  [
    ['land', 'vpdk', '3 working days'],
    ['tax', 'thue', '2 working days'],
  ],
  [['sign', 'xa', '1 working day']],
];

/** Late at the land office (as HS-2 in dossier-path.test.ts): warnings, an apology, the ladder. */
const lateDossier = (i: number): Json[] => {
  const id = `PII-${i}`;
  return [
    { ...received(id, '2026-03-02T09:00:00+07:00', '5 working days', PATH), applicant: APPLICANTS[i] },
    completed(id, 'receive', '2026-03-02T16:00:00+07:00'),
    completed(id, 'tax', '2026-03-03T10:00:00+07:00'),
    completed(id, 'land', '2026-03-16T10:00:00+07:00'),
    completed(id, 'sign', '2026-03-16T15:00:00+07:00'),
    event(id, 'dossier.resolved', '2026-03-17T09:00:00+07:00'),
  ];
};

/** Events a broken integration might send, carrying the same personal data in invalid shapes. */
const HOSTILE: Json[] = [
  {
    ...received('BAD-1', '2026-03-02T09:00:00+07:00', '5 working days', PATH),
    applicant: { name: APPLICANTS[0]!.name, phone: `tel ${APPLICANTS[0]!.phone}` },
  },
  {
    ...received('BAD-2', '2026-03-02T09:00:00+07:00', '5 working days', PATH),
    applicant: { name: APPLICANTS[1]!.name, phone: `${APPLICANTS[1]!.phone} ${APPLICANTS[2]!.phone}` },
  },
  {
    ...received('BAD-3', '2026-03-02T09:00:00+07:00', '5 working days', PATH),
    applicant: { name: `${APPLICANTS[2]!.name}\u0007`, phone: APPLICANTS[2]!.phone },
  },
  {
    ...received('BAD-4', '2026-03-02T09:00:00+07:00', '5 working days', PATH),
    applicant: { name: APPLICANTS[3]!.name, phone: Number(APPLICANTS[0]!.phone) },
  },
  {
    ...received('BAD-5', '2026-03-02T09:00:00+07:00', '5 working days', PATH),
    applicant: { ...APPLICANTS[4], email: 'ngoc@example.vn' },
  },
  {
    ...received('BAD-6', '2026-03-02T09:00:00+07:00', '5 working days', PATH),
    applicant: { name: APPLICANTS[0]!.name.repeat(10), phone: APPLICANTS[0]!.phone },
  },
  {
    ...unitWithHead('xa'),
    eventId: 'bad-unit',
    head: { name: HEADS.xa!.name, phone: HEADS.so!.phone, title: 'Chủ tịch' },
  },
  // A valid event whose id was already used for another one: a conflict, whatever it carries.
  { ...received('PII-0', '2026-03-02T09:00:00+07:00', '5 working days', PATH), applicant: APPLICANTS[1] },
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('personal data in logs, execution records and error messages', () => {
  it('a replay with names and phone numbers in every format leaks none of them', async () => {
    // Prepare: capture everything the logger writes (Powertools writes to process.stdout/stderr), and
    // every event of every execution.
    const logLines: string[] = [];
    const capture = (stream: NodeJS.WriteStream) =>
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown) => {
        logLines.push(String(chunk));
        return true;
      }) as typeof stream.write);
    capture(process.stdout);
    capture(process.stderr);
    for (const method of ['log', 'info', 'debug', 'warn', 'error', 'trace'] as const) {
      vi.spyOn(console, method).mockImplementation(
        (...args: unknown[]) => void logLines.push(args.map(String).join(' ')),
      );
    }
    const executionEvents: ExecutionEvent[] = [];
    let stack: LocalStack | undefined;
    const units = Object.keys(HEADS).map(unitWithHead);
    const events = [...units, ...APPLICANTS.flatMap((_, i) => lateDossier(i)), ...HOSTILE];

    // Act
    const r = await replay({
      lines: lines(events),
      stack: {
        logLevel: 'DEBUG',
        observe: (s) => {
          stack = s;
          s.executions.onExecutionEvent = (_, e) => void executionEvents.push(e);
        },
      },
    });
    vi.restoreAllMocks();

    // Assess: the capture saw the work (a search of nothing proves nothing).
    expect(r.dossiers).toHaveLength(APPLICANTS.length);
    expect(r.stats.failedExecutions).toBe(0);
    expect(logLines.some((l) => l.includes('"event ingested"'))).toBe(true);
    expect(logLines.some((l) => l.includes('"checkpoint"'))).toBe(true);
    const started = executionEvents.filter((e) => e.type === 'ExecutionStarted');
    // One execution per dossier, and one more after each that parked: every input is the dossier's id alone.
    const inputs = started.map((e) => (e as unknown as { input: { dossierId: string } }).input);
    expect(inputs.filter((input) => Object.keys(input).join() !== 'dossierId')).toEqual([]);
    expect([...new Set(inputs.map((input) => input.dossierId))].sort()).toEqual(
      APPLICANTS.map((_, i) => `PII-${i}`).sort(),
    );
    expect(executionEvents.filter((e) => e.type === 'StateExited').length).toBeGreaterThan(50);
    const apologies = r.notices.filter((n) => n.kind === 'citizen.apology' && n.status === 'sent');
    expect(apologies).toHaveLength(APPLICANTS.length);
    // Each dossier's rungs, batched with the others of the same rung and head into one SMS each.
    const escalations = r.notices.filter((n) => n.kind === 'head.escalation' && !n.noticeId.startsWith('batch/'));
    expect(escalations.filter((n) => n.status === 'batched').length).toBeGreaterThanOrEqual(3 * APPLICANTS.length);
    const batches = r.notices.filter((n) => n.noticeId.startsWith('batch/') && n.status === 'sent');
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(r.rejected.map((x) => x.eventId)).toEqual(
      expect.arrayContaining([
        'BAD-1-received',
        'BAD-2-received',
        'BAD-3-received',
        'BAD-4-received',
        'BAD-5-received',
        'BAD-6-received',
        'bad-unit',
        'PII-0-received',
      ]),
    );

    const needles = [
      ...APPLICANTS.flatMap((a) => [...nameNeedles(a.name), ...phoneNeedles(a.phone)]),
      ...Object.values(HEADS).flatMap((h) => [...nameNeedles(h.name), ...phoneNeedles(h.phone)]),
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
    // The outbox holds the texts (with the honorific, never the name) and masked numbers only.
    const outbox = stack!.outbox.messages;
    expect(outbox.filter((m) => /xin loi Ong\/Ba/.test(m.text.normalize('NFD').replace(/\p{M}/gu, '')))).toHaveLength(
      APPLICANTS.length,
    );
    expect(
      leaks(
        outbox.map((m) => JSON.stringify(m)),
        needles,
      ),
    ).toEqual([]);
    expect(
      leaks(
        r.notices.map((n) => JSON.stringify(n)),
        needles,
      ),
    ).toEqual([]);
    // A notice's text is sent, never logged.
    const texts = outbox.map((m) => m.text.slice(0, 60));
    expect(
      logLines.filter((l) => texts.some((t) => l.includes(t)) || l.includes('Ong/Ba') || l.includes('Ông/Bà')),
    ).toEqual([]);
  }, 60_000);
});
