/**
 * The synthetic workload of the replay and cost benches (seeded): five units, then N three-stage land
 * dossiers, path receive (commune) -> land office and tax in parallel -> sign (commune), each step
 * taking 20-110 % of its budget, every dossier resolved an hour after its last step.
 */
import type { WorkingCalendar } from '../functions/core/calendar.ts';
import { formatInstant, type Instant } from '../functions/core/instant.ts';
import { seededRandom } from '../local/tools/random.ts';

export const UNITS_AT = '2026-03-01T08:00:00+07:00';

/** The land dossier every bench workload receives: three stages, the middle one in parallel. */
export const landReceipt = (dossierId: string, at: string) =>
  JSON.stringify({
    eventId: `${dossierId}-r`,
    type: 'dossier.received',
    at,
    dossierId,
    procedureCode: '1.004227',
    procedureName: 'Đăng ký biến động quyền sử dụng đất',
    limit: '10 working days',
    applicant: { name: 'Nguyễn Văn A', phone: '0905123456' },
    path: [
      [{ stepId: 'receive', unitId: 'xa', budget: '1 working day' }],
      [
        { stepId: 'land', unitId: 'vpdk', budget: '5 working days' },
        { stepId: 'tax', unitId: 'thue', budget: '3 working days' },
      ],
      [{ stepId: 'sign', unitId: 'xa', budget: '2 working days' }],
    ],
  });

export function landWorkload(
  calendar: WorkingCalendar,
  options: { n: number; idPrefix: string; receiptAt: (i: number, previous: Instant | null) => Instant },
): { lines: string[]; lastAt: Instant } {
  const rnd = seededRandom(20260302);
  const iso = formatInstant;
  const lines: string[] = [];
  const unit = (unitId: string, parentUnitId?: string) =>
    lines.push(
      JSON.stringify({
        eventId: `u-${unitId}`,
        type: 'unit.upserted',
        at: UNITS_AT,
        unitId,
        name: unitId,
        ...(parentUnitId ? { parentUnitId } : {}),
        head: { name: 'Thủ trưởng', phone: '0912345678' },
      }),
    );
  unit('tinh');
  unit('so', 'tinh');
  unit('vpdk', 'so');
  unit('thue', 'tinh');
  unit('xa', 'tinh');

  let t: Instant | null = null;
  let lastAt = -Infinity;
  for (let i = 0; i < options.n; i++) {
    const id = `${options.idPrefix}-${i}`;
    t = options.receiptAt(i, t);
    lines.push(landReceipt(id, iso(t)));
    const take = (from: number, budgetMin: number) =>
      calendar.addWorkingMinutes(from, Math.round(budgetMin * (0.2 + rnd() * 0.9)));
    const r1 = take(t, 480);
    const land = take(r1, 5 * 480);
    const tax = take(r1, 3 * 480);
    const sign = take(Math.max(land, tax), 2 * 480);
    for (const [step, at] of [
      ['receive', r1],
      ['land', land],
      ['tax', tax],
      ['sign', sign],
    ] as const) {
      lines.push(
        JSON.stringify({ eventId: `${id}-${step}`, type: 'step.completed', at: iso(at), dossierId: id, stepId: step }),
      );
    }
    const end = calendar.addWorkingMinutes(sign, 60);
    lastAt = Math.max(lastAt, end);
    lines.push(JSON.stringify({ eventId: `${id}-end`, type: 'dossier.resolved', at: iso(end), dossierId: id }));
  }
  return { lines, lastAt };
}
