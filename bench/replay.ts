/**
 * A replay of N synthetic three-stage dossiers (default 10,000) on the local stack in simulated time:
 * wall time, peak memory (max RSS), and the workflow cost counters per dossier.
 *
 *   npm run bench -- replay [N]
 *
 * Workload (seeded): a receipt every 2 working minutes from Mon 2026-03-02; limit 10 working days;
 * path receive (commune) -> land office and tax in parallel -> sign (commune); each step takes 20-110 %
 * of its budget, so some dossiers draw warnings and a few go late; every dossier is resolved.
 */
import { formatInstant, parseInstant } from '../functions/core/instant.ts';
import { loadCalendar } from '../functions/reference/data.ts';
import { replay } from '../local/replay.ts';
import { seededRandom } from '../local/tools/random.ts';

const N = Number(process.argv[3] ?? 10_000);
const calendar = loadCalendar();
const rnd = seededRandom(20260302);

const lines: string[] = [];
const unit = (unitId: string, parentUnitId?: string) =>
  lines.push(JSON.stringify({ eventId: `u-${unitId}`, type: 'unit.upserted', at: '2026-03-01T08:00:00+07:00', unitId, name: unitId, ...(parentUnitId ? { parentUnitId } : {}), head: { name: 'Thủ trưởng', phone: '0912345678' } }));
unit('tinh');
unit('so', 'tinh');
unit('vpdk', 'so');
unit('thue', 'tinh');
unit('xa', 'tinh');

let t = calendar.nextWorkingInstant(parseInstant('2026-03-02T07:00:00+07:00'));
const iso = formatInstant;
for (let i = 0; i < N; i++) {
  const id = `B-${i}`;
  t = calendar.nextWorkingInstant(calendar.addWorkingMinutes(t, 2));
  lines.push(JSON.stringify({
    eventId: `${id}-r`, type: 'dossier.received', at: iso(t), dossierId: id, procedureCode: '1.004227', procedureName: 'Đăng ký biến động quyền sử dụng đất',
    limit: '10 working days', applicant: { name: 'Nguyễn Văn A', phone: '0905123456' },
    path: [[{ stepId: 'receive', unitId: 'xa', budget: '1 working day' }], [{ stepId: 'land', unitId: 'vpdk', budget: '5 working days' }, { stepId: 'tax', unitId: 'thue', budget: '3 working days' }], [{ stepId: 'sign', unitId: 'xa', budget: '2 working days' }]],
  }));
  const take = (from: number, budgetMin: number) => calendar.addWorkingMinutes(from, Math.round(budgetMin * (0.2 + rnd() * 0.9)));
  const r1 = take(t, 480);
  const land = take(r1, 5 * 480);
  const tax = take(r1, 3 * 480);
  const sign = take(Math.max(land, tax), 2 * 480);
  for (const [step, at] of [['receive', r1], ['land', land], ['tax', tax], ['sign', sign]] as const) {
    lines.push(JSON.stringify({ eventId: `${id}-${step}`, type: 'step.completed', at: iso(at), dossierId: id, stepId: step }));
  }
  lines.push(JSON.stringify({ eventId: `${id}-end`, type: 'dossier.resolved', at: iso(calendar.addWorkingMinutes(sign, 60)), dossierId: id }));
}

const started = process.hrtime.bigint();
const result = await replay({ lines });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
const late = result.dossiers.filter((d) => d.outcome === 'late').length;
const s = result.stats;
console.error(`${N} dossiers (${lines.length} events) in ${seconds.toFixed(1)} s; peak RSS ${maxRssMb} MB; ${late} late; ${result.notices.length} notices`);
console.log(JSON.stringify({
  bench: 'replay', dossiers: N, events: lines.length, seconds: Math.round(seconds * 10) / 10, maxRssMb,
  late, notices: result.notices.length, rejected: result.rejected.length, failedExecutions: s.failedExecutions, openExecutions: s.openExecutions,
  perDossier: {
    stateTransitions: +(s.stateTransitions / N).toFixed(2),
    lambdaInvocations: +(s.lambdaInvocations / N).toFixed(2),
    storeReads: +(s.storeReads / N).toFixed(2),
    storeWrites: +(s.storeWrites / N).toFixed(2),
  },
  node: process.version,
}));
