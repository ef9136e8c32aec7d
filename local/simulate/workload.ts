import type { WorkingCalendar } from '../../functions/core/calendar.ts';
import {
  type ClockLedger,
  deriveClock,
  openClock,
  parseLimit,
  pauseClock,
  resumeClock,
} from '../../functions/core/clock.ts';
import { DAY_MS, dayOf, formatInstant, type Instant, MINUTE_MS, startOfDay } from '../../functions/core/instant.ts';
import { picker, seededRandom } from '../tools/random.ts';
import { inventedPeople } from './people.ts';
import { type Province, resolveStepUnit, type SimUnit } from './province.ts';

/**
 * The season's events, as iGate would push them: heads of units, then per dossier its receipt (with
 * the path it will follow), step completions, supplement requests and arrivals, an officer's own
 * apology now and then, and the resolution. Everything is drawn from one seeded generator: the same
 * seed and options give the same lines, byte for byte. The applicants and heads are invented
 * (`people.ts`).
 */

export interface WorkloadOptions {
  /** First day of the period (its local midnight). */
  start: Instant;
  days: number;
  /** Mean dossiers per calendar day (letter 002 of docs/law.md §8: 480,992 in 118 days, about 4,000). */
  perDay: number;
  seed: number;
}

export interface Workload {
  lines: string[];
  dossiers: number;
  /** End of the period: events after it are not delivered, and the report is taken then. */
  end: Instant;
  /**
   * The generator's own expectation, from its timeline: dossiers resolved within the period after
   * their statutory due instant. The replay must judge exactly these late.
   */
  expectedLate: string[];
  /** The officers' own apologies (apology.issued) issued within the period. */
  officerApologies: { dossierId: string; unitId: string }[];
}

/** A step that overruns takes 1.2 to 1.2 + LATE_SPREAD times its budget. */
const LATE_SPREAD = 2;
const PRIORITIES = ['elderly', 'disabled', 'merit'] as const;
const APOLOGY_REASONS = [
  'Cần xác minh thêm với cơ quan liên quan',
  'Chờ kết quả đo đạc hiện trạng',
  'Hệ thống liên thông gián đoạn',
  'Cán bộ thụ lý nghỉ ốm đột xuất',
];
const REJECT_REASONS = ['Hồ sơ không thuộc thẩm quyền giải quyết', 'Hồ sơ không đủ điều kiện theo quy định'];

export function generateWorkload(province: Province, calendar: WorkingCalendar, options: WorkloadOptions): Workload {
  const rnd = seededRandom(options.seed);
  // Repeated supplement requests draw from their own sequence: the rest of the season stays as it was.
  const repeat = seededRandom(options.seed + 0x5eed);
  const pick = picker(rnd);
  const iso = formatInstant;
  const lines: string[] = [];
  const { name, mobile, phone } = inventedPeople(rnd, province.rates.landlineShare);

  // Heads of units, the day before the period.
  const before = options.start - DAY_MS + 8 * 60 * MINUTE_MS;
  for (const u of province.units) {
    lines.push(
      JSON.stringify({
        eventId: `unit-${u.unitId}`,
        type: 'unit.upserted',
        at: iso(before),
        unitId: u.unitId,
        name: u.name,
        ...(u.parentUnitId ? { parentUnitId: u.parentUnitId } : {}),
        head: { name: name(), phone: mobile() },
      }),
    );
  }

  const days = Array.from({ length: options.days }, (_, i) => dayOf(options.start) + i);
  // A working day is one whose next working instant falls on it; days off get only online filings.
  const dayWeight = days.map((d) =>
    dayOf(calendar.nextWorkingInstant(startOfDay(d))) === d ? 1 : province.rates.weekendShareOfDay,
  );
  const cumulative = (weights: number[]) => {
    const sums: number[] = [];
    for (const w of weights) sums.push((sums.at(-1) ?? 0) + w);
    return sums;
  };
  const dayCum = cumulative(dayWeight);
  const communeCum = cumulative(province.communes.map((c) => c.weight));
  const procCum = cumulative(province.procedures.map((p) => p.share));
  const draw = (cum: number[]) => {
    const x = rnd() * cum.at(-1)!;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  const total = Math.round(options.days * options.perDay);
  const receipts: Instant[] = [];
  for (let i = 0; i < total; i++) {
    const di = draw(dayCum);
    const day = days[di]!;
    const working = dayWeight[di] === 1;
    let at: Instant;
    if (working && rnd() >= province.rates.onlineShare) {
      // At the counter, in working hours.
      const open = calendar.nextWorkingInstant(startOfDay(day));
      const minutes = calendar.workingMinutesBetween(open, calendar.closeOfWorkingDay(open));
      // (A working-minute count maps to the earliest instant: minute 0 is the previous close.)
      at = calendar.nextWorkingInstant(calendar.addWorkingMinutes(open, Math.floor(rnd() * minutes)));
    } else {
      // Online (national portal), any time from 06:00 to 23:00.
      at = startOfDay(day) + (6 * 60 + Math.floor(rnd() * 17 * 60)) * MINUTE_MS;
    }
    receipts.push(at);
  }
  receipts.sort((a, b) => a - b);
  const end = startOfDay(days.at(-1)! + 1);
  const expectedLate: string[] = [];
  const officerApologies: Workload['officerApologies'] = [];

  receipts.forEach((receivedAt, i) => {
    const dossierId = `HS-${String(i + 1).padStart(6, '0')}`;
    const procedure = province.procedures[draw(procCum)]!;
    const receiving: SimUnit =
      procedure.receivedBy === 'commune'
        ? province.communes[draw(communeCum)]!
        : province.unitById.get(procedure.receivedBy)!;
    const path = procedure.path.map((stage) =>
      stage.map((s) => ({
        stepId: s.stepId,
        ...(s.name ? { stepName: s.name } : {}),
        unitId: resolveStepUnit(province, s.unit, receiving),
        budget: s.budget,
      })),
    );
    const limit = parseLimit(procedure.limit);
    const priority = rnd() < province.rates.priorityShare ? pick(PRIORITIES) : undefined;
    lines.push(
      JSON.stringify({
        eventId: `${dossierId}-received`,
        type: 'dossier.received',
        at: iso(receivedAt),
        dossierId,
        procedureCode: procedure.procedureCode,
        procedureName: procedure.name,
        limit: procedure.limit,
        ...(procedure.supplementMode ? { supplementMode: procedure.supplementMode } : {}),
        applicant: { name: name(), phone: phone(), ...(priority ? { priority } : {}) },
        path,
      }),
    );
    const events: { at: Instant; body: Record<string, unknown> }[] = [];
    const event = (at: Instant, type: string, suffix: string, extra: Record<string, unknown> = {}) =>
      events.push({ at, body: { eventId: `${dossierId}-${suffix}`, type, at: iso(at), dossierId, ...extra } });

    // Refused at intake (a written refusal, Form 03 of Circular 03/2025; docs/law.md §1): no path follows.
    if (rnd() < province.rates.rejectedShare) {
      event(
        calendar.addWorkingMinutes(calendar.nextWorkingInstant(receivedAt), 30 + Math.floor(rnd() * 240)),
        'dossier.rejected',
        'rejected',
        { reason: pick(REJECT_REASONS) },
      );
      lines.push(...events.map((e) => JSON.stringify(e.body)));
      return;
    }

    // A supplement request (pause mode procedures only), during one step after the first stage.
    const supplementStage =
      procedure.supplementMode === 'pause' && path.length > 1 && rnd() < province.rates.supplementShare
        ? 1 + Math.floor(rnd() * (path.length - 1))
        : -1;
    let ledger: ClockLedger = openClock(calendar, { receivedAt, limit, mode: procedure.supplementMode ?? 'pause' });
    let stageStart = calendar.nextWorkingInstant(receivedAt);
    let firstLate: { unitId: string; stepDue: Instant } | null = null;
    path.forEach((stage, si) => {
      let stageEnd = stageStart;
      stage.forEach((step, k) => {
        const unit = province.unitById.get(step.unitId)!;
        const budget = parseLimit(step.budget);
        const budgetMin = budget.unit === 'days' ? budget.amount * 480 : budget.amount * 60;
        const late = rnd() < unit.lateRate;
        const share = late ? 1.2 + rnd() * LATE_SPREAD : 0.1 + rnd() * 0.8;
        const minutes = Math.max(5, Math.round(budgetMin * share));
        let done: Instant;
        if (si === supplementStage && k === 0) {
          const askedAt = calendar.addWorkingMinutes(stageStart, Math.round(minutes * (0.1 + rnd() * 0.4)));
          const worked = calendar.workingMinutesBetween(stageStart, askedAt);
          // The citizen brings the papers 1-10 days later, in office hours.
          const back = calendar.nextWorkingInstant(askedAt + (1 + Math.floor(rnd() * 10)) * DAY_MS);
          const arrivedAt = calendar.addWorkingMinutes(back, Math.floor(rnd() * 240));
          event(askedAt, 'supplement.requested', 'supplement-requested');
          event(arrivedAt, 'supplement.received', 'supplement-received');
          ledger = resumeClock(pauseClock(ledger, askedAt), arrivedAt);
          done = calendar.addWorkingMinutes(arrivedAt, minutes - worked);
          if (repeat() < province.rates.repeatSupplementShare) {
            // Asked again after the papers came (the "coming back again" of letters 000 and 004).
            const left = minutes - worked;
            const again = calendar.addWorkingMinutes(arrivedAt, Math.max(1, Math.round(left * 0.2)));
            const back2 = calendar.nextWorkingInstant(again + (1 + Math.floor(repeat() * 5)) * DAY_MS);
            const arrived2 = calendar.addWorkingMinutes(back2, Math.floor(repeat() * 240));
            event(again, 'supplement.requested', 'supplement-requested-2');
            event(arrived2, 'supplement.received', 'supplement-received-2');
            ledger = resumeClock(pauseClock(ledger, again), arrived2);
            done = calendar.addWorkingMinutes(arrived2, left - calendar.workingMinutesBetween(arrivedAt, again));
          }
        } else {
          done = calendar.addWorkingMinutes(stageStart, minutes);
        }
        if (late && firstLate === null) firstLate = { unitId: step.unitId, stepDue: done };
        event(done, 'step.completed', `done-${step.stepId}`, { stepId: step.stepId });
        stageEnd = Math.max(stageEnd, done);
      });
      stageStart = stageEnd;
    });
    const resolvedAt = stageStart + 5 * MINUTE_MS;
    const dueAt = deriveClock(calendar, ledger).dueAt!;
    // The unit that will be late sometimes apologises itself, at least a day before the due day
    // (Decree 61/2018 Art. 19; docs/law.md §2); then dunghan must not apologise again.
    const late = firstLate as { unitId: string; stepDue: Instant } | null;
    if (late && resolvedAt > dueAt && rnd() < province.rates.officerApologyShare) {
      const at = calendar.openingOfWorkingDayBefore(dueAt, 2) + Math.floor(rnd() * 120) * MINUTE_MS;
      if (at > receivedAt && at < resolvedAt) {
        // The new date usually holds; one in five is missed again.
        const kept = rnd() < 0.8;
        // The new date is the close of a working day after the current due instant.
        const newDueAt = calendar.closeOfWorkingDay(Math.max(kept ? resolvedAt : at + DAY_MS, dueAt + 1));
        event(at, 'apology.issued', 'apology', {
          unitId: late.unitId,
          reason: pick(APOLOGY_REASONS),
          newDueAt: iso(newDueAt),
        });
        if (at < end) officerApologies.push({ dossierId, unitId: late.unitId });
      }
    }
    if (resolvedAt > dueAt && resolvedAt < end) expectedLate.push(dossierId);
    event(resolvedAt, 'dossier.resolved', 'resolved');
    events.sort((a, b) => a.at - b.at);
    lines.push(...events.map((e) => JSON.stringify(e.body)));
  });
  return { lines, dossiers: total, end, expectedLate, officerApologies };
}
