import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedUnit } from '../../functions/app/dossiers.ts';
import { feedUnits } from '../../functions/app/feed-receipt.ts';
import { UNIT_CACHE_MS } from '../../functions/app/timing.ts';
import { parseInstant } from '../../functions/core/instant.ts';
import type { Unit } from '../../functions/schemas/records.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';

// The embedded stack holds its store: a unit read is kept until a unit is written, whoever writes it,
// rather than for UNIT_CACHE_MS (which a simulated month would pass again and again).
let stack: LocalStack;
const START = parseInstant('2026-03-02T08:00:00+07:00');

beforeAll(async () => {
  stack = await startLocalStack({ simulatedStart: START });
});
afterAll(async () => {
  await stack.close();
});

const unit = (name: string, updatedAt: string): Unit => ({
  unitId: 'UR-1',
  name,
  parentUnitId: null,
  head: { name: 'Trưởng', phone: '+84901234567' },
  updatedAt: parseInstant(updatedAt),
});

describe('unit reads on the embedded stack', () => {
  it('reads a unit once, past UNIT_CACHE_MS of simulated time, and again at once after a write', async () => {
    const { deps } = stack;
    await stack.store.units.upsert(unit('Phòng A', '2026-03-01T08:00:00+07:00'));
    // The reads of this unit (the sweeper runs meanwhile and reads others).
    let unitReads = 0;
    const get = stack.store.units.get.bind(stack.store.units);
    stack.store.units.get = (unitId) => {
      if (unitId === 'UR-1') unitReads++;
      return get(unitId);
    };
    const reads = () => unitReads;
    expect((await cachedUnit(deps, 'UR-1'))?.name).toBe('Phòng A');
    const before = reads();
    await stack.time!.advanceTo(START + 3 * UNIT_CACHE_MS);
    expect((await cachedUnit(deps, 'UR-1'))?.name).toBe('Phòng A');
    expect(reads()).toBe(before);
    // A write straight to the store (not through the intake) is seen by the next read.
    await stack.store.units.upsert(unit('Phòng B', '2026-03-02T08:00:00+07:00'));
    expect((await cachedUnit(deps, 'UR-1'))?.name).toBe('Phòng B');
    expect(reads()).toBe(before + 1);
  });

  it('forgets the unit list at a write too, and a unit not there yet is read again once written', async () => {
    const { deps } = stack;
    expect(await cachedUnit(deps, 'UR-2')).toBeNull();
    const listed = (await feedUnits(deps)).byId('UR-2');
    expect(listed).toBeUndefined();
    await stack.store.units.upsert({ ...unit('Phòng C', '2026-03-02T08:00:00+07:00'), unitId: 'UR-2' });
    expect((await cachedUnit(deps, 'UR-2'))?.name).toBe('Phòng C');
    expect((await feedUnits(deps)).byId('UR-2')?.name).toBe('Phòng C');
  });
});
