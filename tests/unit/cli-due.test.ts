import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { computeDue } from '../../local/commands/due.ts';
import { UsageError } from '../../local/errors.ts';

const BIN = fileURLToPath(new URL('../../local/bin/dunghan.mjs', import.meta.url));

/** Runs the real command in a child process: stdout, stderr and exit code. */
async function dunghan(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args]);
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('dunghan due (the command-line contract)', () => {
  it('prints one JSON object for the contract examples', async () => {
    const { stdout, code } = await dunghan(
      'due',
      '--received',
      '2026-02-12T14:00:00+07:00',
      '--limit',
      '5 working days',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      receivedAt: '2026-02-12T14:00:00+07:00',
      effectiveReceivedAt: '2026-02-12T14:00:00+07:00',
      dueAt: '2026-02-26T17:00:00+07:00',
      budgetMinutes: 2580,
      pausedMinutes: 0,
    });
    expect(computeDue({ received: '2026-01-09T09:00:00+07:00', limit: '1 working day' }).dueAt).toBe(
      '2026-01-10T17:00:00+07:00',
    );
    expect(computeDue({ received: '2026-03-02T10:00:00+07:00', limit: '8 working hours' }).dueAt).toBe(
      '2026-03-03T10:00:00+07:00',
    );
  });

  it('reports effective receipt, pauses and modes', () => {
    expect(computeDue({ received: '2026-03-07T10:00:00Z', limit: '1 working day' })).toMatchObject({
      receivedAt: '2026-03-07T17:00:00+07:00',
      effectiveReceivedAt: '2026-03-09T07:00:00+07:00',
      dueAt: '2026-03-10T17:00:00+07:00',
    });
    const pauses = ['2026-02-13T08:00:00+07:00/2026-02-23T09:00:00+07:00'];
    expect(computeDue({ received: '2026-02-12T14:00:00+07:00', limit: '5 working days', pauses })).toMatchObject({
      dueAt: '2026-03-02T08:00:00+07:00',
      pausedMinutes: 540,
    });
    expect(
      computeDue({ received: '2026-02-12T14:00:00+07:00', limit: '5 working days', pauses, mode: 'restart' }),
    ).toMatchObject({
      dueAt: '2026-03-02T17:00:00+07:00',
      budgetMinutes: 2760,
    });
  });

  it.each([
    [['--received', 'tomorrow', '--limit', '5 working days'], '--received: "tomorrow" is not an ISO-8601 instant'],
    [['--received', '2026-02-12T14:00:00', '--limit', '5 working days'], '--received: '],
    [
      ['--received', '2030-02-12T14:00:00+07:00', '--limit', '5 working days'],
      '--received: no working calendar for 2030',
    ],
    [
      ['--received', '2027-12-20T14:00:00+07:00', '--limit', '30 working days'],
      '--limit: the date falls after 2027-12-31',
    ],
    [['--received', '2026-02-12T14:00:00+07:00', '--limit', '5 working weeks'], '--limit: "5 working weeks" is not'],
    [
      ['--received', '2026-02-12T14:00:00+07:00', '--limit', '0 working days'],
      '--limit: "0 working days": the number of working days must be at least 1',
    ],
    [['--received', '2026-02-12T14:00:00+07:00', '--limit', '-3 working days'], '--limit: '],
    [
      ['--received', '2026-02-12T14:00:00+07:00', '--limit', '5 working days', '--mode', 'stop'],
      '--mode: "stop" is not pause or restart',
    ],
    [
      ['--received', '2026-02-12T14:00:00+07:00', '--limit', '5 working days', '--pause', '2026-02-13T09:00:00+07:00'],
      '--pause: ',
    ],
    [
      [
        '--received',
        '2026-02-12T14:00:00+07:00',
        '--limit',
        '5 working days',
        '--pause',
        '2026-02-11T09:00:00+07:00/2026-02-13T09:00:00+07:00',
      ],
      '--pause: a pause cannot start before the receipt',
    ],
    [
      [
        '--received',
        '2026-02-12T14:00:00+07:00',
        '--limit',
        '5 working days',
        '--pause',
        '2026-02-25T09:00:00+07:00/2026-02-26T09:00:00+07:00',
        '--pause',
        '2026-02-13T09:00:00+07:00/2026-02-23T09:00:00+07:00',
      ],
      '--pause: a pause cannot start before the previous pause ended',
    ],
    [['--limit', '5 working days'], '--received: is required'],
  ])('bad input %j exits 2 with one line naming the argument', async (args, message) => {
    const { stdout, stderr, code } = await dunghan('due', ...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`dunghan due: ${message}`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses unknown options and commands', async () => {
    expect(await dunghan('due', '--bogus')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("Unknown option '--bogus'"),
    });
    expect((await dunghan('fly')).code).toBe(2);
    expect(() =>
      computeDue({ received: '2026-02-12T14:00:00+07:00', limit: '5 working days', province: 'atlantis' }),
    ).toThrow(UsageError);
  });
});
