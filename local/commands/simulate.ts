import { resolve } from 'node:path';
import { dayFromIsoDate, formatInstant, startOfDay } from '../../functions/core/instant.ts';
import { UsageError } from '../errors.ts';
import { formatTable } from '../simulate/report.ts';
import { OUTPUT_FILES, simulate } from '../simulate/run.ts';
import { formatSmsUsage } from '../sms-usage.ts';

/**
 * The defaults: 20 days from Monday 20/4/2026, 50 dossiers a day (1,000 dossiers). The period holds
 * weekends, the Hùng Kings' day and 30/4-1/5, the volume finishes in about a minute on two cores, and
 * it is enough for every kind of notice to appear. A Đắk Lắk month is `--days 30 --per-day 4000`.
 */
export const SIMULATION_DEFAULTS = { start: '2026-04-20', days: 20, perDay: 50, seed: 766, out: 'out' } as const;

const integer = (flag: string, raw: unknown, fallback: number, min: number, max: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(String(raw)) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(flag, `must be a whole number from ${min} to ${max}`);
  return n;
};

/** A decimal flag within [min, max]; undefined when not given. */
const decimal = (flag: string, raw: unknown, min: number, max: number): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(String(raw)) || n < min || n > max)
    throw new UsageError(flag, `must be a number from ${min} to ${max}`);
  return n;
};

export const simulateCommand = {
  summary: 'simulate a province season (Đắk Lắk, synthetic) on the local stack and report per unit',
  usage:
    'dunghan simulate [--days N] [--per-day N] [--start YYYY-MM-DD] [--seed N] [--out DIR] [--json] [--sms-usd-per-part USD] [--sms-failure-share 0..1]',
  options: {
    days: { type: 'string' },
    'per-day': { type: 'string' },
    start: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    'sms-usd-per-part': { type: 'string' },
    'sms-failure-share': { type: 'string' },
  },
  async run(values: Record<string, unknown>): Promise<void> {
    const days = integer('--days', values.days, SIMULATION_DEFAULTS.days, 1, 366);
    const perDay = integer('--per-day', values['per-day'], SIMULATION_DEFAULTS.perDay, 1, 100_000);
    const seed = integer('--seed', values.seed, SIMULATION_DEFAULTS.seed, 0, 2 ** 32 - 1);
    const startText = typeof values.start === 'string' ? values.start : SIMULATION_DEFAULTS.start;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(startText)) throw new UsageError('--start', 'must be a date YYYY-MM-DD');
    let start: number;
    try {
      start = startOfDay(dayFromIsoDate(startText));
    } catch (err) {
      throw new UsageError('--start', (err as Error).message);
    }
    const out = resolve(typeof values.out === 'string' ? values.out : SIMULATION_DEFAULTS.out);
    const smsUsdPerPart = decimal('--sms-usd-per-part', values['sms-usd-per-part'], 0, 10);
    const deliveryFailureShare = decimal('--sms-failure-share', values['sms-failure-share'], 0, 1);
    const json = values.json === true;
    const log = (text: string) => (json ? undefined : console.log(text));
    const defaults = values.days === undefined && values['per-day'] === undefined && values.start === undefined;
    log(
      `dunghan simulate: ${days} days from ${startText}, about ${perDay} dossiers a day (${days * perDay} dossiers), seed ${seed}.`,
    );
    if (defaults)
      log(
        '  Defaults: small enough to finish in about a minute, large enough to show every kind of notice. A Đắk Lắk month: --days 30 --per-day 4000.',
      );
    log(
      '  Every event goes through the intake handler, every dossier runs the workflow (ASL) on the local engine, every SMS goes to the local outbox.',
    );

    const wall = process.hrtime.bigint();
    const bar = progressBar(!json && process.stderr.isTTY === true);
    const { summary } = await simulate({
      start,
      days,
      perDay,
      seed,
      out,
      onProgress: bar.update,
      ...(smsUsdPerPart !== undefined ? { smsUsdPerPart } : {}),
      ...(deliveryFailureShare !== undefined ? { deliveryFailureShare } : {}),
    });
    bar.done();
    const seconds = Number(process.hrtime.bigint() - wall) / 1e9;
    if (json) {
      console.log(JSON.stringify(summary));
      return;
    }
    const t = summary.totals;
    log('');
    log(formatTable(summary));
    log('');
    log(
      `${summary.dossiers} dossiers: ${t.finished} finished (${t.early} early, ${t.onTime} on time, ${t.late} late = ${t.finished ? ((t.late / t.finished) * 100).toFixed(2) : '0'} %), ${t.open} open of which ${t.openOverdue} overdue.`,
    );
    log(
      `Notices sent: ${Object.entries(summary.notices.byKind)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')} (${summary.notices.smsParts} SMS parts; by status ${Object.entries(summary.notices.byStatus)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}).`,
    );
    for (const line of formatSmsUsage(summary.notices.sms)) log(line);
    log(
      `Indicator 2.1 (Decision 766), province: ${t.indicator21?.toFixed(2) ?? '-'} %, ${t.points?.toFixed(2) ?? '-'} of 20 points.`,
    );
    log(
      `Engine: ${summary.execution.executions} executions (${summary.execution.parkedExecutions} ended parked at a long wait), ${summary.execution.stateTransitions} state transitions, ${summary.execution.lambdaInvocations} Lambda invocations, ${summary.execution.failedExecutions} failed; ${summary.events} events, ${summary.rejectedEvents} refused.`,
    );
    log('');
    log(
      `Wrote ${out}/: ${OUTPUT_FILES.report} (open it in a browser), ${OUTPUT_FILES.outbox}, ${OUTPUT_FILES.lateSheets}, ${OUTPUT_FILES.units}.`,
    );
    log(
      `Simulated ${summary.period.start.slice(0, 10)} to ${summary.period.end.slice(0, 10)} in ${seconds.toFixed(1)} s of wall time.`,
    );
  },
} as const;

/** A one-line progress bar on stderr when it is a terminal (fake timers do not touch hrtime). */
function progressBar(enabled: boolean) {
  let last = 0n;
  return {
    update(delivered: number, total: number, simulatedNow: number) {
      if (!enabled) return;
      const now = process.hrtime.bigint();
      if (now - last < 200_000_000n && delivered < total) return;
      last = now;
      const share = total ? delivered / total : 1;
      const filled = Math.round(share * 30);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${(share * 100).toFixed(0).padStart(3)} %  simulated ${formatInstant(simulatedNow).slice(0, 16).replace('T', ' ')}  ${delivered}/${total} events `,
      );
    },
    done() {
      if (enabled) process.stderr.write('\n');
    },
  };
}
