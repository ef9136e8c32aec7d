import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocalCompact, parseInstant } from '../../functions/core/instant.ts';
import { MAX_BODY_BYTES } from '../../functions/handlers/api.ts';
import { apiGatewayEvent } from '../../local/api-event.ts';
import { serveHttp } from '../../local/server.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { FEED_UNITS, item } from '../support/dvcqg.ts';
import type { Json } from '../support/events.ts';
import { scanTable } from '../support/store.ts';

/**
 * Bad input at the feed's routes (docs/law.md §7), as tests/workflow/intake-fuzz.test.ts storms
 * /events: seeded requests, through the route function and the local HTTP server. None is answered
 * 5xx; a body that is not the feed is 400 naming the field; otherwise every item gets its result, a
 * planted defect refuses its item naming the field, and requests of refused items leave the store as
 * it was. Valid items mixed in are answered and mostly accepted.
 */

const SEED = 20_261_213;
const ROUTE_CASES = 3_000;
const HTTP_CASES = 600;
const BATCH = 500;
const NOW = parseInstant('2026-06-01T09:00:00+07:00');
const FROM = parseInstant('2026-01-05T00:00:00+07:00');
const UNTIL = parseInstant('2026-05-29T00:00:00+07:00');
const SERVICES = ['DongBoHoSoMC', 'CapNhatTienDoHoSoMC'] as const;
const DOSSIERS = Array.from({ length: 400 }, (_, i) => `FZQ-${i}`);
const NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', "H'Hen Niê", 'Lê Quốc Cường'];
const PHONES = ['0905123456', '0912345678', '+84 386 123 456', '02623812345', ''];
const UNIT_TEXTS = ['Đơn vị xa', 'ĐƠN VỊ CHI-NHANH-VPDK', 'thue-co-so', 'Phòng lạ', '', '  Đơn vị vpdk '];

const instantArb = (from = FROM, until = UNTIL) =>
  fc.integer({ min: from / 60_000, max: until / 60_000 }).map((m) => formatLocalCompact(m * 60_000));
const maybe = (arb: fc.Arbitrary<string>) => fc.oneof(arb, fc.constant(''));

const snapshotArb: fc.Arbitrary<Json> = fc
  .record({
    MaHoSo: fc.constantFrom(...DOSSIERS),
    MaTTHC: fc.constantFrom('1.004227', '1.001193', '2.000889', '9.999999'),
    TrangThaiHoSo: fc.constantFrom('1', '2', '3', '4', '5', '6', '7', '8', '9', '10'),
    NgayTiepNhan: instantArb(FROM, parseInstant('2026-03-01T00:00:00+07:00')),
    NgayHenTra: maybe(instantArb(parseInstant('2026-03-01T00:00:00+07:00'))),
    NgayKetThucXuLy: maybe(instantArb(parseInstant('2026-03-01T00:00:00+07:00'))),
    NgayTra: maybe(instantArb(parseInstant('2026-03-01T00:00:00+07:00'))),
    NgayYeuCauBoSung: maybe(instantArb(parseInstant('2026-03-01T00:00:00+07:00'))),
    ChuHoSo: fc.constantFrom(...NAMES),
    SoDienThoai: fc.constantFrom(...PHONES),
    DonViXuLy: fc.constantFrom(...UNIT_TEXTS),
    DanhSachHoSoBoSung: fc.array(
      fc.record({
        NgayBoSung: maybe(instantArb()),
        NgayTiepNhanBoSung: maybe(instantArb()),
        TrangThaiBoSung: fc.constant('0'),
      }),
      { maxLength: 2 },
    ),
  })
  .map((s) => item(s));

const rowArb: fc.Arbitrary<Json> = fc.record({
  MaHoSo: fc.constantFrom(...DOSSIERS),
  NguoiXuLy: fc.constantFrom(...NAMES),
  ChucDanh: fc.constant(''),
  ThoiDiemXuLy: instantArb(),
  PhongBanXuLy: fc.constantFrom(...UNIT_TEXTS),
  NoiDungXuLy: fc.constantFrom('Thụ lý', 'Chuyển hồ sơ', ''),
  TrangThai: fc.constantFrom('4', '9'),
  NgayBatDau: maybe(instantArb()),
  NgayKetThucTheoQuyDinh: maybe(instantArb()),
});

/** The fields each service reads, with values that are wrong for them. */
const INSTANT_BAD = [
  '20261345000000',
  '2026-03-02',
  '20260230120000',
  '2026030208000',
  '２０２６０３０２０８００００',
  'x',
];
const NOT_STRING = [20260302080000, 4, true, {}, [], null];
const BAD: Record<string, unknown[]> = {
  MaHoSo: ['', 'HS 1', 'x'.repeat(81), 'HS/1', '-x', 'Đ-1', 42, null],
  MaTTHC: ['1 004227', 'x'.repeat(81), 12, {}],
  TrangThaiHoSo: [4, '0', '11', '4 ', '', 'IV', null],
  SoDienThoai: ['call me', '000', '+84 000 000 000', 905123456],
  TenTTHC: NOT_STRING.slice(1),
  ChuHoSo: NOT_STRING.slice(1),
  DonViXuLy: NOT_STRING.slice(1),
  DanhSachHoSoBoSung: ['x', {}, 5, [5], [{ NgayBoSung: '2026-03-02' }]],
  PhongBanXuLy: NOT_STRING.slice(1),
  NoiDungXuLy: [7, {}],
};
const INSTANTS = {
  DongBoHoSoMC: ['NgayTiepNhan', 'NgayHenTra', 'NgayKetThucXuLy', 'NgayTra', 'NgayYeuCauBoSung', 'NgayTuChoi'],
  CapNhatTienDoHoSoMC: ['ThoiDiemXuLy', 'NgayBatDau'],
};
const FIELDS = {
  DongBoHoSoMC: [
    'MaHoSo',
    'MaTTHC',
    'TrangThaiHoSo',
    'SoDienThoai',
    'TenTTHC',
    'ChuHoSo',
    'DonViXuLy',
    'DanhSachHoSoBoSung',
  ],
  CapNhatTienDoHoSoMC: ['MaHoSo', 'PhongBanXuLy', 'NoiDungXuLy'],
};

/** A valid item with one used field given a bad value, and the field the refusal must name. */
const hostileItemArb = (service: (typeof SERVICES)[number]) =>
  fc
    .tuple(
      service === 'DongBoHoSoMC' ? snapshotArb : rowArb,
      fc.oneof(
        fc.tuple(fc.constantFrom(...INSTANTS[service]), fc.constantFrom(...INSTANT_BAD, ...NOT_STRING)),
        fc.constantFrom(...FIELDS[service]).chain((f) => fc.tuple(fc.constant(f), fc.constantFrom(...BAD[f]!))),
      ),
    )
    .map(([base, [field, value]]) => {
      const expected = field === 'DanhSachHoSoBoSung' && Array.isArray(value) && value.length ? `${field}.0` : field;
      const named = Array.isArray(value) && typeof value[0] === 'object' ? `${expected}.NgayBoSung` : expected;
      return { item: { ...base, [field]: value }, field: field === 'MaHoSo' && value === null ? 'MaHoSo' : named };
    });

type Expected = { kind: 'items'; fields: (string | null)[] } | { kind: 'body'; field: string } | { kind: 'route' };
interface Case {
  label: string;
  method: string;
  path: string;
  body: string | null;
  expected: Expected;
  /** Whether every item is refused or the body is: the store must not move. */
  inert: boolean;
  secrets: string[];
}

const wrap = (service: string, items: unknown[], envelope: boolean) =>
  JSON.stringify(
    envelope ? { session: 's', madonvi: '000.00.00.H00', service, isUpdating: 'True', data: items } : items,
  );
const secretsOf = (items: unknown[]) =>
  items
    .flatMap((i) => (typeof i === 'object' && i !== null ? [(i as Json).ChuHoSo, (i as Json).SoDienThoai] : []))
    .filter((v): v is string => typeof v === 'string' && v.length >= 6);

const caseArb: fc.Arbitrary<Case> = fc.constantFrom(...SERVICES).chain((service) => {
  const valid = service === 'DongBoHoSoMC' ? snapshotArb : rowArb;
  const path = `/dvcqg/${service}`;
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc.tuple(fc.array(valid, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([items, envelope]) => ({
        label: `valid ${service} x${items.length}`,
        method: 'POST',
        path,
        body: wrap(service, items, envelope),
        expected: { kind: 'items', fields: items.map(() => null) } as Expected,
        inert: false,
        secrets: secretsOf(items),
      })),
    },
    {
      weight: 5,
      arbitrary: fc
        .tuple(fc.array(hostileItemArb(service), { minLength: 1, maxLength: 4 }), fc.boolean())
        .map(([items, envelope]) => ({
          label: `hostile ${service}: ${items.map((i) => i.field).join(', ')}`,
          method: 'POST',
          path,
          body: wrap(
            service,
            items.map((i) => i.item),
            envelope,
          ),
          expected: { kind: 'items', fields: items.map((i) => i.field) } as Expected,
          inert: true,
          secrets: secretsOf(items.map((i) => i.item)),
        })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom<[string, string]>(
          ['{"data": [', '(body)'],
          ['"text"', '(body)'],
          ['42', '(body)'],
          ['null', '(body)'],
          ['{}', 'data'],
          ['{"data": {}}', 'data'],
          ['{"data": "[]"}', 'data'],
          ['{"madonvi": 1, "data": []}', 'madonvi'],
          [
            `{"service": "${service === 'DongBoHoSoMC' ? 'CapNhatTienDoHoSoMC' : 'DongBoHoSoMC'}", "data": []}`,
            'service',
          ],
          ['{"service": ["DongBoHoSoMC"], "data": []}', 'service'],
          [`[${'['.repeat(3000)}${']'.repeat(3000)}]`, '(item)'],
          [`{"data": [], "pad": "${'đ'.repeat(MAX_BODY_BYTES)}"}`, '(body)'],
        )
        .map(([body, field]) => ({
          label: `body ${body.slice(0, 30)}`,
          method: 'POST',
          path,
          body,
          expected: (field === '(item)' ? { kind: 'items', fields: ['(item)'] } : { kind: 'body', field }) as Expected,
          inert: true,
          secrets: [],
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'POST'),
          fc.constantFrom(
            `${path}/x`,
            '/dvcqg',
            '/dvcqg/',
            `/dvcqg/${service.toLowerCase()}`,
            '/dvcqg/LayThuTuc',
            path,
          ),
        )
        .filter(([m, p]) => !(m === 'POST' && p === path))
        .map(([method, p]) => ({
          label: `${method} ${p}`,
          method,
          path: p,
          body: method === 'GET' ? null : '[]',
          expected: { kind: 'route' } as Expected,
          inert: true,
          secrets: [],
        })),
    },
  );
});

interface Answer {
  status: number;
  body: string;
}

/** What is wrong with an answer, or null. */
function check(c: Case, a: Answer): string | null {
  if (a.status >= 500) return `answered ${a.status}`;
  for (const s of c.secrets) if (a.body.includes(s)) return 'echoed personal data';
  let body: Json;
  try {
    body = JSON.parse(a.body) as Json;
  } catch {
    return `answered ${a.status} with a body that is not JSON`;
  }
  const named = (x: Json) =>
    typeof x.field === 'string' && x.field !== '' && typeof x.reason === 'string' && x.reason !== '';
  if (c.expected.kind === 'route')
    return [404, 405].includes(a.status) && typeof body.reason === 'string' ? null : `route answered ${a.status}`;
  if (c.expected.kind === 'body') {
    if (a.status === 413 && c.expected.field === '(body)') return null;
    if (a.status !== 400 || !named(body)) return `body answered ${a.status}: ${a.body.slice(0, 160)}`;
    return body.field === c.expected.field ? null : `named ${String(body.field)}, expected ${c.expected.field}`;
  }
  const results = body.results as Json[] | undefined;
  if (a.status !== 200 || body.error_code !== '0' || !Array.isArray(results))
    return `answered ${a.status}: ${a.body.slice(0, 160)}`;
  if (results.length !== c.expected.fields.length)
    return `${results.length} results for ${c.expected.fields.length} items`;
  for (const [i, r] of results.entries()) {
    const field = c.expected.fields[i];
    if (r.index !== i) return `result ${i} has index ${String(r.index)}`;
    if (r.result === 'accepted' && field === null) continue;
    if (r.result !== 'refused' || !named(r)) return `item ${i}: ${JSON.stringify(r).slice(0, 160)}`;
    if (field !== null && r.field !== field)
      return `item ${i} named ${String(r.field)}, expected ${field} (${String(r.reason)})`;
  }
  return null;
}

let stack: LocalStack;
let url: string;
let closeServer: () => Promise<void>;
beforeAll(async () => {
  stack = await startLocalStack({ simulatedStart: NOW });
  const served = await serveHttp(stack, 0);
  url = served.url;
  closeServer = () => new Promise((resolve) => served.server.close(() => resolve()));
  for (const u of FEED_UNITS) expect((await stack.request('POST', '/events', JSON.stringify(u))).statusCode).toBe(202);
});
afterAll(async () => {
  await closeServer();
  await stack.close();
});

const viaRoute = async (c: Case, base64: boolean): Promise<Answer> => {
  const body = c.body !== null && base64 ? Buffer.from(c.body, 'utf8').toString('base64') : c.body;
  const r = await stack.invokeApi(
    apiGatewayEvent(c.method, c.path, body, { isBase64Encoded: base64 && c.body !== null }),
  );
  return { status: r.statusCode, body: r.body };
};
const viaHttp = async (c: Case): Promise<Answer> => {
  const r = await fetch(`${url}${c.path}`, { method: c.method, body: c.body ?? undefined });
  return { status: r.status, body: await r.text() };
};

/** The answering requests first, then the inert ones: the store must not move while they are answered. */
async function runBatch(cases: Case[], send: (c: Case) => Promise<Answer>, failures: string[]) {
  let derived = 0;
  for (const c of cases.filter((x) => !x.inert)) {
    const a = await send(c);
    const problem = check(c, a);
    if (problem) failures.push(`${c.label}: ${problem}`);
    else for (const r of JSON.parse(a.body).results as Json[]) derived += ((r.events as unknown[]) ?? []).length;
  }
  await stack.time!.settle();
  const before = await scanTable(stack.store);
  for (const c of cases.filter((x) => x.inert)) {
    const problem = check(c, await send(c));
    if (problem) failures.push(`${c.label}: ${problem}`);
  }
  await stack.time!.settle();
  const after = await scanTable(stack.store);
  if (after.length !== before.length || after.some((x, i) => x !== before[i]))
    failures.push(`the store changed under refused requests (${before.length} -> ${after.length} items)`);
  return derived;
}

const summary = (failures: string[]) => {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(f, (counts.get(f) ?? 0) + 1);
  return [...counts].slice(0, 30).map(([f, n]) => `${n} × ${f}`);
};

describe('feed fuzz (bad input at /dvcqg)', () => {
  const cases = fc.sample(caseArb, { seed: SEED, numRuns: ROUTE_CASES + HTTP_CASES });

  it(`answers ${ROUTE_CASES} generated requests through the route function, none 5xx, every item named`, async () => {
    const failures: string[] = [];
    let derived = 0;
    for (let i = 0; i < ROUTE_CASES; i += BATCH)
      derived += await runBatch(cases.slice(i, i + BATCH), (c) => viaRoute(c, (i / BATCH) % 3 === 2), failures);
    expect(summary(failures), `${failures.length} failures`).toEqual([]);
    // Not vacuous: hostile items were planted, and valid ones became events.
    expect(cases.slice(0, ROUTE_CASES).filter((c) => c.inert && c.expected.kind === 'items').length).toBeGreaterThan(
      1_200,
    );
    expect(derived).toBeGreaterThan(400);
  });

  it(`answers ${HTTP_CASES} generated requests over HTTP the same way`, async () => {
    const failures: string[] = [];
    for (let i = ROUTE_CASES; i < cases.length; i += BATCH)
      await runBatch(cases.slice(i, i + BATCH), viaHttp, failures);
    expect(summary(failures), `${failures.length} failures`).toEqual([]);
  });
});
