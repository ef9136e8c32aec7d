import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInstant } from '../../functions/core/instant.ts';
import { replay } from '../../local/replay.ts';
import { serveHttp } from '../../local/server.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { compact, FEED_UNITS, item, row } from '../support/dvcqg.ts';

/** The feed's routes answer as the portal does, item by item; the same export read twice changes nothing. */

const EXAMPLE = readFileSync(new URL('../../examples/dvcqg.ndjson', import.meta.url), 'utf8').split('\n');

describe('POST /dvcqg/DongBoHoSoMC and /dvcqg/CapNhatTienDoHoSoMC', () => {
  let stack: LocalStack;
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    stack = await startLocalStack({ simulatedStart: parseInstant('2026-03-02T09:00:00+07:00') });
    for (const u of FEED_UNITS) await stack.request('POST', '/events', JSON.stringify(u));
    const served = await serveHttp(stack, 0);
    url = served.url;
    close = () => new Promise((resolve) => served.server.close(() => resolve()));
  });
  afterAll(async () => {
    await close();
    await stack.close();
  });
  const post = async (service: string, body: unknown) => {
    const r = await stack.request('POST', `/dvcqg/${service}`, typeof body === 'string' ? body : JSON.stringify(body));
    return { status: r.statusCode, body: JSON.parse(r.body) };
  };

  it('answers per item; one bad item never refuses the others', async () => {
    const r = await post('DongBoHoSoMC', {
      session: 's',
      madonvi: '000.00.00.H00',
      service: 'DongBoHoSoMC',
      isUpdating: 'False',
      data: [
        item({ MaHoSo: 'A-1' }),
        item({ MaHoSo: 'A-2', NgayTiepNhan: '20261345000000' }),
        item({ MaHoSo: 'A-3', TrangThaiHoSo: 2 }),
        'not an item',
        item({ MaHoSo: 'A-4', MaTTHC: '9.999999', NgayHenTra: '' }),
      ],
    });
    expect(r).toEqual({
      status: 200,
      body: {
        error_code: '0',
        message: 'Thành công 1/5 mục; 4 mục bị từ chối (xem results)',
        results: [
          { index: 0, MaHoSo: 'A-1', result: 'accepted', events: ['dvcqg:A-1:received:20260302080000'] },
          {
            index: 1,
            MaHoSo: 'A-2',
            result: 'refused',
            field: 'NgayTiepNhan',
            reason: '"20261345000000" has month 13',
          },
          {
            index: 2,
            MaHoSo: 'A-3',
            result: 'refused',
            field: 'TrangThaiHoSo',
            reason: 'must be one of "1" … "10" (a TrangThaiHoSo code, as a string)',
          },
          { index: 3, MaHoSo: null, result: 'refused', field: '(item)', reason: 'must be a JSON object' },
          {
            index: 4,
            MaHoSo: 'A-4',
            result: 'refused',
            field: 'NgayHenTra',
            reason: 'is required: procedure 9.999999 is not in the catalogue, so its limit is taken from NgayHenTra',
          },
        ],
      },
    });
    expect((await stack.request('GET', '/dossiers/A-1')).statusCode).toBe(200);
    for (const id of ['A-2', 'A-3', 'A-4'])
      expect((await stack.request('GET', `/dossiers/${id}`)).statusCode).toBe(404);
  });

  it('takes progress rows as a bare array: a row twice counts once, a row before its dossier waits for it', async () => {
    const rows = [
      row('A-1', 'chi-nhanh-vpdk', '2026-03-02T10:00:00+07:00'),
      row('B-1', 'xa', '2026-03-02T08:00:00+07:00'),
    ];
    const first = await post('CapNhatTienDoHoSoMC', rows);
    expect(first.body.results).toEqual([
      { index: 0, MaHoSo: 'A-1', result: 'accepted', events: ['dvcqg:A-1:receive:completed:20260302100000'] },
      {
        index: 1,
        MaHoSo: 'B-1',
        result: 'accepted',
        events: [],
        note: 'kept: it applies when the dossier is received',
      },
    ]);
    const again = await post('CapNhatTienDoHoSoMC', { service: 'CapNhatTienDoHoSoMC', data: rows.slice(0, 1) });
    expect(again.body.results).toEqual([
      { index: 0, MaHoSo: 'A-1', result: 'accepted', events: [], note: 'the same progress row again: counted once' },
    ]);
    expect((await post('CapNhatTienDoHoSoMC', [{ MaHoSo: 'A-1', PhongBanXuLy: 'x' }])).body.results[0]).toMatchObject({
      result: 'refused',
      field: 'ThoiDiemXuLy',
    });
    const received = await post('DongBoHoSoMC', [item({ MaHoSo: 'B-1', MaTTHC: '1.001193', NgayHenTra: '' })]);
    expect(received.body.results[0].events).toEqual(['dvcqg:B-1:received:20260302080000']);
    const sheet = JSON.parse((await stack.request('GET', '/dossiers/A-1')).body);
    expect(sheet.steps[0]).toMatchObject({ stepId: 'receive', completedAt: '2026-03-02T10:00:00+07:00' });
    expect(sheet.findings).toEqual([]);
  });

  it('refuses a body that is neither the envelope nor an array, naming the field; 413 over the limit', async () => {
    expect(await post('DongBoHoSoMC', '{"data": [')).toMatchObject({ status: 400, body: { field: '(body)' } });
    expect(await post('DongBoHoSoMC', { service: 'CapNhatTienDoHoSoMC', data: [] })).toMatchObject({
      status: 400,
      body: { field: 'service' },
    });
    expect(await post('CapNhatTienDoHoSoMC', { data: 'rows' })).toMatchObject({ status: 400, body: { field: 'data' } });
    expect(await post('DongBoHoSoMC', 7)).toMatchObject({ status: 400, body: { field: '(body)' } });
    const big = [item({ GhiChu: 'x'.repeat(70_000) })];
    expect((await post('DongBoHoSoMC', big)).status).toBe(413);
    expect((await stack.request('GET', '/dvcqg/DongBoHoSoMC')).statusCode).toBe(404);
    expect((await post('LayThuTuc', [])).status).toBe(404);
  });

  it('is served by the local HTTP server too', async () => {
    const r = await fetch(`${url}/dvcqg/DongBoHoSoMC`, {
      method: 'POST',
      body: JSON.stringify([item({ MaHoSo: 'H-1', NgayTiepNhan: compact('2026-03-02T08:30:00+07:00') })]),
    });
    expect(r.status).toBe(200);
    const answer = (await r.json()) as { results: unknown[] };
    expect(answer.results[0]).toMatchObject({ MaHoSo: 'H-1', result: 'accepted' });
  });
});

describe('the same export read again', () => {
  const run = (lines: string[], deliverAt?: Parameters<typeof replay>[0]['deliverAt']) =>
    replay({
      lines,
      format: 'dvcqg',
      until: parseInstant('2026-04-30T17:00:00+07:00'),
      ...(deliverAt ? { deliverAt } : {}),
    });

  it('replayed twice gives identical output', async () => {
    const [a, b] = [await run(EXAMPLE), await run(EXAMPLE)];
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.dossiers.map((d) => d.status)).toEqual([
      'resolved',
      'resolved',
      'withdrawn',
      'rejected',
      'resolved',
      'returned',
      'resolved',
    ]);
    expect(a.findings?.map((f) => `${f.dossierId} ${f.kind}`)).toEqual([
      'DVC-02 due.mismatch',
      'DVC-03 due.mismatch',
      'DVC-06 unit.unmapped',
      'DVC-06 unit.unmapped',
      'DVC-06 unit.unmapped',
    ]);
  });

  it('with every call delivered twice, and late, changes nothing', async () => {
    const once = await run(EXAMPLE);
    const twice = await run(
      [...EXAMPLE, ...EXAMPLE],
      ({ at, line }) => (at ?? 0) + (line > EXAMPLE.length ? 90_000 : 0),
    );
    // The refused item of the example is refused on each delivery; nothing else differs.
    expect(twice.rejected.length).toBe(2 * once.rejected.length);
    const outcome = (r: typeof once) => JSON.stringify({ d: r.dossiers, n: r.notices, f: r.findings });
    expect(outcome(twice)).toBe(outcome(once));
    expect(once.dossiers).toHaveLength(7);
  });
});
