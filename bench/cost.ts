/**
 * What a dossier costs on AWS, from counts measured on the local stack over a simulated month:
 * state transitions, Lambda invocations and their duration, DynamoDB read and write request units,
 * SNS publishes and SMS parts, turned into USD per 1,000 dossiers at ap-southeast-1 list prices.
 *
 *   npm run bench -- cost [N] [--park-after-minutes M|off]   (default 3,000 dossiers over March 2026; off)
 *
 * Workload (seeded, as bench/replay.ts): receipts spread evenly over the working minutes of one month;
 * limit 10 working days; path receive (commune) -> land office and tax in parallel -> sign (commune);
 * each step takes 20-110 % of its budget, so some dossiers draw warnings and a few go late (apology
 * SMS, escalations); every dossier is resolved, and the replay runs 30 days past the last event.
 *
 * What is measured and what is modelled:
 * - state transitions: states entered in aws-local-stepfunctions (AWS bills each state entered,
 *   retries included); Lambda invocations: every Task handler call plus one ingest call per event
 *   (the intake API); digest runs (one a day, per deployment) are listed apart.
 * - Lambda duration: wall time of each handler call on this machine against dynalite in process,
 *   billed per call rounded up to 1 ms. A 512 MB function gets about 0.29 vCPU (1,769 MB = 1 vCPU) and
 *   DynamoDB is a network hop away, so a conservative figure is also given: measured x 3.5 plus 10 ms
 *   per store call. Cold starts are not counted.
 * - DynamoDB: ReturnConsumedCapacity from dynalite (item sizes rounded to 4 KB reads, eventually
 *   consistent at half a unit, 1 KB writes), plus the index writes dynalite does not count, priced from
 *   each item's images as DynamoDB bills them (bench/capacity.ts).
 * - SNS: one Publish per SMS and one per topic copy, as the policy's channels send them (warnings to
 *   the topic and the morning digest, capped and batched SMS to heads). SMS fees are per message part,
 *   reported by kind and channel (local/sms-usage.ts) and priced only at a --sms-usd-per-part the user
 *   gives (the price for Vietnam was not verified).
 */

import { UNIT_CACHE_MS } from '../functions/app/timing.ts';
import { DAY_MS, formatInstant, parseInstant } from '../functions/core/instant.ts';
import { loadCalendar } from '../functions/reference/data.ts';
import { replay } from '../local/replay.ts';
import { formatSmsUsage, smsUsage } from '../local/sms-usage.ts';
import type { LocalStack } from '../local/stack.ts';
import { type CapacityMeter, meterCapacity } from './capacity.ts';
import { landWorkload, UNITS_AT } from './workload.ts';

// List prices, ap-southeast-1 (Singapore), USD. Written from AWS pricing pages as remembered on
// 2026-11-25; this machine is offline, so none could be checked against the live pages: verify them.
/**
 * Step Functions Standard, per state transition: $0.025 per 1,000 (aws.amazon.com/step-functions/pricing, Singapore
 * row).
 */
const SFN_PER_TRANSITION = 0.025 / 1000;
/** Lambda requests: $0.20 per million (aws.amazon.com/lambda/pricing). */
const LAMBDA_PER_REQUEST = 0.2 / 1e6;
/** Lambda duration, Arm (Graviton), first tier: $0.0000133334 per GB-second (aws.amazon.com/lambda/pricing). */
const LAMBDA_ARM_PER_GB_SECOND = 0.0000133334;
/** The functions' memory: infra/constructs/function.ts `memorySize` default (512 MB). */
const LAMBDA_MEMORY_GB = 512 / 1024;
/**
 * DynamoDB on-demand, Standard table class, Singapore: $0.7116 per million WRU and $0.1425 per million
 * RRU (the pre-November-2024 list prices $1.4231 / $0.285 halved by the on-demand price cut of
 * 1 Nov 2024; aws.amazon.com/dynamodb/pricing/on-demand).
 */
const DYNAMODB_PER_WRU = 0.7116 / 1e6;
const DYNAMODB_PER_RRU = 0.1425 / 1e6;
/** SNS Publish requests: $0.50 per million (aws.amazon.com/sns/pricing; the first million a month free). */
const SNS_PER_PUBLISH = 0.5 / 1e6;
/**
 * SMS to Vietnam, per message part: not known here; pass `--sms-usd-per-part <price>` from the AWS End User Messaging
 * SMS price list.
 */
const smsArg = process.argv.indexOf('--sms-usd-per-part');
const SMS_PER_PART: number | null = smsArg > 0 ? Number(process.argv[smsArg + 1]) : null;
const GOAL_USD_PER_1000 = 0.5;

const N = Number(process.argv[3] && !process.argv[3].startsWith('--') ? process.argv[3] : 3_000);
/**
 * The policy's `operations.parkAfterMinutes` for the run: AWS's default policy never parks (off); a number
 * parks executions whose waits are all longer (fewer open executions, more transitions).
 */
const parkArg = process.argv.indexOf('--park-after-minutes');
const PARK_AFTER_MINUTES: number | null =
  parkArg > 0 && process.argv[parkArg + 1] !== 'off' ? Number(process.argv[parkArg + 1]) : null;
const calendar = loadCalendar();

// The workload: one simulated month of receipts, spread evenly over its working minutes.
const monthStart = calendar.nextWorkingInstant(parseInstant('2026-03-02T07:00:00+07:00'));
const monthEnd = parseInstant('2026-03-31T17:00:00+07:00');
const workingMinutes = calendar.workingMinutesBetween(monthStart, monthEnd);
const { lines, lastAt } = landWorkload(calendar, {
  n: N,
  idPrefix: 'C',
  receiptAt: (i) =>
    calendar.nextWorkingInstant(calendar.addWorkingMinutes(monthStart, Math.floor((i * workingMinutes) / N))),
});

// The observers: handler timing in the engine, the ingest calls, consumed capacity in the store.
const ingest = { invocations: 0, ms: 0, billedMs: 0 };
const callbacks = { sendTaskSuccess: 0, sendTaskFailure: 0, gone: 0 };
const openedAt = new Map<string, number>();
/** Days each execution stayed open (with parking, a dossier has several), and each dossier's total. */
const openDays: number[] = [];
const executionDaysByDossier = new Map<string, number>();
/** State transitions per simulated minute: checkpoints wake together at window openings (07:01). */
const transitionsByMinute = new Map<number, number>();
let stack: LocalStack | undefined;
let capacity: CapacityMeter | undefined;
const observe = (s: LocalStack) => {
  stack = s;
  s.executions.handlerTiming = { invocations: 0, ms: 0, billedMs: 0 };
  // How long each execution stays open, in simulated time (open executions = rate x mean duration).
  s.executions.onExecutionEvent = (dossierId, e) => {
    if (e.type === 'StateEntered') {
      const minute = Math.floor(e.timestamp / 60_000);
      transitionsByMinute.set(minute, (transitionsByMinute.get(minute) ?? 0) + 1);
    }
    if (e.type === 'ExecutionStarted') openedAt.set(dossierId, e.timestamp);
    else if (e.type === 'ExecutionSucceeded' || e.type === 'ExecutionFailed') {
      const days = (e.timestamp - openedAt.get(dossierId)!) / DAY_MS;
      openDays.push(days);
      executionDaysByDossier.set(dossierId, (executionDaysByDossier.get(dossierId) ?? 0) + days);
    }
  };
  // SendTaskSuccess / SendTaskFailure calls (API rate quotas, docs/scale.md).
  const { tokens } = s;
  const succeed = tokens.succeed.bind(tokens);
  const fail = tokens.fail.bind(tokens);
  const gone = (answer: 'ok' | 'gone') => {
    if (answer === 'gone') callbacks.gone++;
    return answer;
  };
  tokens.succeed = async (...args) => {
    callbacks.sendTaskSuccess++;
    return gone(await succeed(...args));
  };
  tokens.fail = async (...args) => {
    callbacks.sendTaskFailure++;
    return gone(await fail(...args));
  };
  const request = s.request;
  s.request = async (...args) => {
    const started = performance.now();
    try {
      return await request(...args);
    } finally {
      const ms = performance.now() - started;
      ingest.invocations++;
      ingest.ms += ms;
      ingest.billedMs += Math.max(1, Math.ceil(ms));
    }
  };
  capacity = meterCapacity(s.store.table.doc);
};

const started = process.hrtime.bigint();
// Unit reads kept as a Lambda keeps them (functions/main/aws.ts), not for the whole run as the embedded stack does.
const result = await replay({
  lines,
  stack: { observe, parkAfterMinutes: PARK_AFTER_MINUTES, unitCacheMs: UNIT_CACHE_MS },
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const s = result.stats;
const timing = stack!.executions.handlerTiming!;
const meter = capacity!;
const outbox = stack!.outbox.messages;
const smsPublishes = outbox.filter((m) => m.channel === 'sms').length;
const topicPublishes = outbox.filter((m) => m.channel === 'topic').length;
// SMS parts by kind and channel (local/sms-usage.ts): what the policy's channels, caps and batches send.
const sms = smsUsage(result.notices, N, SMS_PER_PART);
const smsParts = sms.parts;
// The replay runs until 30 days after the last event (local/replay.ts).
const simulatedDays = Math.round((lastAt + 30 * DAY_MS - parseInstant(UNITS_AT)) / DAY_MS);

const per1000 = (x: number) => (x / N) * 1000;
openDays.sort((a, b) => a - b);
const meanOpenDays = openDays.reduce((a, b) => a + b, 0) / Math.max(1, openDays.length);
const p95OpenDays = openDays[Math.floor(openDays.length * 0.95)] ?? 0;
// Open executions at a steady rate of receipts = receipts a day x execution-days per dossier (docs/scale.md).
const executionDaysPerDossier = [...executionDaysByDossier.values()].reduce((a, b) => a + b, 0) / N;
const [peakMinute, peakTransitions] = [...transitionsByMinute.entries()].reduce(
  (a, b) => (b[1] > a[1] ? b : a),
  [0, 0],
);
const lambdaRequests = timing.invocations + ingest.invocations;
const billedMs = timing.billedMs + ingest.billedMs;
const storeCalls = s.storeReads + s.storeWrites;
const conservativeMs = (timing.ms + ingest.ms) * 3.5 + storeCalls * 10 + lambdaRequests;
const gbSeconds = (ms: number) => (ms / 1000) * LAMBDA_MEMORY_GB;
const usd = {
  stepFunctions: per1000(s.stateTransitions * SFN_PER_TRANSITION),
  lambdaRequests: per1000(lambdaRequests * LAMBDA_PER_REQUEST),
  lambdaDuration: per1000(gbSeconds(billedMs) * LAMBDA_ARM_PER_GB_SECOND),
  dynamodbReads: per1000(meter.rru * DYNAMODB_PER_RRU),
  dynamodbWrites: per1000((meter.wru + meter.indexWru) * DYNAMODB_PER_WRU),
  snsPublishes: per1000((smsPublishes + topicPublishes) * SNS_PER_PUBLISH),
};
const total = Object.values(usd).reduce((a, b) => a + b, 0);
const totalConservative = total - usd.lambdaDuration + per1000(gbSeconds(conservativeMs) * LAMBDA_ARM_PER_GB_SECOND);
const round = (x: number, digits = 4) => +x.toFixed(digits);

console.error(
  `${N} dossiers over ${simulatedDays} simulated days in ${seconds.toFixed(1)} s: ` +
    `$${total.toFixed(4)} per 1,000 dossiers (conservative Lambda duration: $${totalConservative.toFixed(4)}); goal $${GOAL_USD_PER_1000.toFixed(2)}; ` +
    `plus ${per1000(smsParts).toFixed(0)} SMS parts per 1,000 dossiers${SMS_PER_PART === null ? ' (SMS price for Vietnam not given)' : ` = $${per1000(smsParts * SMS_PER_PART).toFixed(2)}`}`,
);
for (const line of formatSmsUsage(sms)) console.error(line);
console.log(
  JSON.stringify({
    bench: 'cost',
    dossiers: N,
    events: lines.length,
    simulatedDays,
    seconds: round(seconds, 1),
    rejected: result.rejected.length,
    failedExecutions: s.failedExecutions,
    parkAfterMinutes: PARK_AFTER_MINUTES,
    openExecutions: s.openExecutions,
    parkedExecutions: s.parkedExecutions,
    executionOpenDays: { mean: round(meanOpenDays, 2), p95: round(p95OpenDays, 2), finished: openDays.length },
    executionDaysPerDossier: round(executionDaysPerDossier, 2),
    peakMinute: { at: formatInstant(peakMinute * 60_000), stateTransitions: peakTransitions, perMonthDossiers: N },
    perDossier: {
      stateTransitions: round(s.stateTransitions / N, 2),
      lambdaInvocations: round(lambdaRequests / N, 2),
      taskInvocations: round(timing.invocations / N, 2),
      ingestInvocations: round(ingest.invocations / N, 2),
      handlerMs: round((timing.ms + ingest.ms) / N, 1),
      billedMs: round(billedMs / N, 1),
      conservativeMs: round(conservativeMs / N, 1),
      storeReads: round(s.storeReads / N, 2),
      storeWrites: round(s.storeWrites / N, 2),
      rru: round(meter.rru / N, 2),
      wru: round(meter.wru / N, 2),
      indexWru: round(meter.indexWru / N, 2),
      refusedWrites: round(meter.refusedWrites / N, 3),
      startExecution: round(s.executions / N, 2),
      sendTaskSuccess: round(callbacks.sendTaskSuccess / N, 2),
      sendTaskFailure: round(callbacks.sendTaskFailure / N, 2),
      /** Callbacks to a wait that had already ended (TaskTimedOut / TaskDoesNotExist on AWS). */
      callbacksGone: round(callbacks.gone / N, 2),
      smsPublishes: round(smsPublishes / N, 3),
      topicPublishes: round(topicPublishes / N, 3),
      smsParts: round(smsParts / N, 3),
    },
    usdPer1000: {
      ...Object.fromEntries(Object.entries(usd).map(([k, v]) => [k, round(v)])),
      total: round(total),
      totalConservative: round(totalConservative),
    },
    smsPartsPer1000: round(per1000(smsParts), 1),
    sms: {
      byKind: Object.fromEntries(
        Object.entries(sms.byKind).map(([k, v]) => [
          k,
          {
            notices: v.notices,
            sms: v.sms,
            parts: v.parts,
            partsPer1000: v.partsPer1000,
            topic: v.topic,
            digest: v.digest,
          },
        ]),
      ),
      byChannel: sms.byChannel,
      maxSmsPerHeadDay: sms.maxSmsPerHeadDay,
    },
    smsUsdPer1000: SMS_PER_PART === null ? null : round(per1000(smsParts * SMS_PER_PART), 2),
    goalUsdPer1000: GOAL_USD_PER_1000,
    meetsGoal: totalConservative < GOAL_USD_PER_1000,
    prices: {
      region: 'ap-southeast-1',
      asOf: '2026-11-25 (list prices from memory, not verified online)',
      sfnPerTransition: SFN_PER_TRANSITION,
      lambdaPerRequest: LAMBDA_PER_REQUEST,
      lambdaArmPerGbSecond: LAMBDA_ARM_PER_GB_SECOND,
      lambdaMemoryGb: LAMBDA_MEMORY_GB,
      dynamodbPerWru: DYNAMODB_PER_WRU,
      dynamodbPerRru: DYNAMODB_PER_RRU,
      snsPerPublish: SNS_PER_PUBLISH,
      smsPerPart: SMS_PER_PART,
    },
    node: process.version,
  }),
);
