import { CalendarRangeError, type WorkingCalendar } from '../../functions/core/calendar.ts';
import {
  type ClockLedger,
  ClockRuleError,
  deriveClock,
  InvalidLimitError,
  openClock,
  parseLimit,
  pauseClock,
  resumeClock,
  type SupplementMode,
} from '../../functions/core/clock.ts';
import { formatInstant, type Instant, InvalidInstantError, parseInstant } from '../../functions/core/instant.ts';
import { DEFAULT_PROVINCE, loadCalendar, ReferenceDataError } from '../../functions/reference/data.ts';
import { UsageError } from '../errors.ts';

export interface DueResult {
  receivedAt: string;
  effectiveReceivedAt: string;
  dueAt: string;
  budgetMinutes: number;
  pausedMinutes: number;
}

export interface DueInput {
  received: string;
  limit: string;
  pauses?: readonly string[];
  mode?: string;
  province?: string;
}

/** `dunghan due`: the dossier clock from the command line. Throws UsageError naming the argument. */
export function computeDue(input: DueInput): DueResult {
  const calendar = argument('--province', () => loadCalendar(input.province ?? DEFAULT_PROVINCE));
  const receivedAt = argument('--received', () => parseInstant(input.received));
  if (!calendar.covers(receivedAt)) {
    throw new UsageError(
      '--received',
      `no working calendar for ${formatInstant(receivedAt).slice(0, 4)}; the data covers ${calendar.coverage()}`,
    );
  }
  const limit = argument('--limit', () => parseLimit(input.limit));
  const mode = argument('--mode', () => parseMode(input.mode ?? 'pause'));
  let ledger = argument('--limit', () => openClock(calendar, { receivedAt, limit, mode }));
  for (const text of input.pauses ?? []) {
    ledger = argument('--pause', () => applyPause(calendar, ledger, text));
  }
  const state = argument('--pause', () => deriveClock(calendar, ledger));
  return {
    receivedAt: formatInstant(receivedAt),
    effectiveReceivedAt: formatInstant(state.effectiveReceivedAt),
    dueAt: formatInstant(state.dueAt!),
    budgetMinutes: state.budgetMinutes,
    pausedMinutes: state.pausedMinutes,
  };
}

function applyPause(calendar: WorkingCalendar, ledger: ClockLedger, text: string): ClockLedger {
  const parts = text.split('/');
  if (parts.length !== 2)
    throw new UsageError('--pause', `"${text}" is not <ISO>/<ISO> (supplement requested / supplement received)`);
  const [from, to] = parts.map((p) => parseInstant(p)) as [Instant, Instant];
  for (const t of [from, to]) {
    if (!calendar.covers(t))
      throw new CalendarRangeError(
        `no working calendar for ${formatInstant(t).slice(0, 4)}; the data covers ${calendar.coverage()}`,
      );
  }
  if (to <= from) throw new ClockRuleError(`"${text}": the supplement must arrive after it was requested`);
  return resumeClock(pauseClock(ledger, from), to);
}

function parseMode(mode: string): SupplementMode {
  if (mode !== 'pause' && mode !== 'restart') throw new UsageError('--mode', `"${mode}" is not pause or restart`);
  return mode;
}

/** Runs one step of input handling; a domain error becomes a UsageError naming the argument. */
function argument<T>(name: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if (
      err instanceof InvalidInstantError ||
      err instanceof InvalidLimitError ||
      err instanceof ClockRuleError ||
      err instanceof CalendarRangeError ||
      err instanceof ReferenceDataError
    ) {
      throw new UsageError(name, err.message);
    }
    throw err;
  }
}

export const dueCommand = {
  summary: 'compute a statutory due instant (working days or hours, holidays, pauses)',
  usage:
    'dunghan due --received <ISO-8601 with offset> --limit "<N> working days" | "<N> working hours" ' +
    '[--pause <ISO>/<ISO>]... [--mode pause|restart] [--province <id>]',
  options: {
    received: { type: 'string' },
    limit: { type: 'string' },
    pause: { type: 'string', multiple: true },
    mode: { type: 'string' },
    province: { type: 'string' },
  },
  run(values: Record<string, unknown>): void {
    for (const required of ['received', 'limit'] as const) {
      if (typeof values[required] !== 'string') throw new UsageError(`--${required}`, 'is required');
    }
    const result = computeDue({
      received: values.received as string,
      limit: values.limit as string,
      pauses: (values.pause as string[] | undefined) ?? [],
      ...(typeof values.mode === 'string' ? { mode: values.mode } : {}),
      ...(typeof values.province === 'string' ? { province: values.province } : {}),
    });
    console.log(JSON.stringify(result));
  },
} as const;
