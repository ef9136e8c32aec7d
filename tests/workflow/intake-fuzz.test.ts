import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInstant, parseInstant } from '../../functions/core/instant.ts';
import { MAX_BODY_BYTES } from '../../functions/handlers/api.ts';
import { apiGatewayEvent } from '../../local/api-event.ts';
import { serveHttp } from '../../local/server.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { type Json, PROVINCE } from '../support/events.ts';
import { scanTable } from '../support/store.ts';

/**
 * Bad input: a seeded storm of hostile events at the intake, through the route function
 * (most of it) and the local HTTP server (a few thousand). Every hostile event is answered 4xx naming
 * the field and the reason, never 5xx; the store is unchanged by them (a full scan before and after
 * each batch); valid events mixed in are accepted; the server still answers after the storm.
 */

const SEED = 20_261_125;
// Saved before the simulated clock fakes the global one.
const realSetTimeout = globalThis.setTimeout;
const ROUTE_CASES = 9_000;
const HTTP_CASES = 3_000;
const BATCH = 1_000;
const HTTP_CONCURRENCY = 8;

// Simulated time: the workflows the valid events start run to their first wait and stay there, so the
// store holds still between batches.
const NOW = parseInstant('2026-06-01T09:00:00+07:00');
const FROM = parseInstant('2026-01-05T00:00:00+07:00');
const UNTIL = parseInstant('2026-05-29T00:00:00+07:00');
// Receipts come before MID and the other events of a dossier after it: an event dated before its
// dossier's receipt is refused (422), and a valid one must not be.
const MID = parseInstant('2026-03-16T00:00:00+07:00');

type Expected =
  | { kind: 'accept' }
  /** 4xx with `field` and `reason`; the field when a single known defect was planted. */
  | { kind: 'reject'; field?: string }
  /** A wrong method or path: 404/405, or 400 naming the field. */
  | { kind: 'route' };

interface Case {
  label: string;
  method: string;
  path: string;
  body: string | null;
  expected: Expected;
  /** Personal data of the event, never to be echoed in an answer. */
  secrets: string[];
}

// ---------- valid events ----------

const DOSSIERS = Array.from({ length: 16 }, (_, i) => `FZ-${i}`);
const UNITS = PROVINCE.map((u) => u.unitId as string);
// Units the valid events may upsert: never the province's own, so that the catalogue cases below
// ("tinh" has no parent, "nowhere" is unknown) stay as they are.
const FUZZ_UNITS = ['fz-u1', 'fz-u2', 'fz-u3'];
const PHONES = ['0912345678', '+84 386 123 456', '0905.123.456', '0987-654-321', '0336111222', '02623812345'];
const TEXT_CHARS = [...'aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệóòỏõọ ÁĐƯ-,.()', 'Ω', 'ж', '中', 'ñ', '😀'];

const textArb = (max: number) =>
  fc
    .tuple(
      fc.constantFrom(...'ABCĐÂƠƯ'),
      fc.string({ unit: fc.constantFrom(...TEXT_CHARS), minLength: 4, maxLength: Math.min(max - 2, 40) }),
      fc.constantFrom(...'aeiouyđ'),
    )
    .map(([a, b, c]) => a + b + c);
const instantArb = (from = FROM, until = UNTIL) =>
  fc
    .tuple(fc.integer({ min: from / 60_000, max: until / 60_000 }), fc.boolean())
    .map(([minute, utc]) => (utc ? new Date(minute * 60_000).toISOString() : formatInstant(minute * 60_000)));
const limitArb = fc.oneof(
  fc.integer({ min: 1, max: 30 }).map((n) => `${n} working day${n === 1 ? '' : 's'}`),
  fc.integer({ min: 1, max: 80 }).map((n) => `${n} working hour${n === 1 ? '' : 's'}`),
);
const personArb = fc.record({ name: textArb(120), phone: fc.constantFrom(...PHONES) });

const unitArb: fc.Arbitrary<Json> = fc
  .record({
    at: instantArb(),
    unitId: fc.constantFrom(...FUZZ_UNITS),
    name: textArb(200),
    parentUnitId: fc.option(fc.constantFrom(...UNITS), { nil: undefined }),
    head: personArb,
  })
  .map((u) => ({ type: 'unit.upserted', ...u }));

const pathArb = fc
  .array(
    fc.array(fc.record({ unitId: fc.constantFrom(...UNITS), budget: limitArb }), {
      minLength: 1,
      maxLength: 2,
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((stages) => {
    let n = 0;
    return stages.map((stage) => stage.map((s) => ({ stepId: `s${n++}`, ...s })));
  });

const receivedArb: fc.Arbitrary<Json> = fc
  .record(
    {
      at: instantArb(FROM, MID),
      dossierId: fc.constantFrom(...DOSSIERS),
      procedureCode: fc.constantFrom('1.004227', '9.999999', 'P-local'),
      procedureName: textArb(300),
      limit: limitArb,
      supplementMode: fc.constantFrom('pause', 'restart'),
      applicant: fc.record(
        {
          name: textArb(120),
          phone: fc.constantFrom(...PHONES),
          priority: fc.constantFrom('elderly', 'disabled', 'merit'),
        },
        { requiredKeys: ['name', 'phone'] },
      ),
      path: pathArb,
    },
    { requiredKeys: ['at', 'dossierId', 'procedureCode', 'procedureName', 'limit', 'applicant', 'path'] },
  )
  .map((e) => ({ type: 'dossier.received', ...e }));

const dossierEventArb: fc.Arbitrary<Json> = fc
  .record({
    at: instantArb(MID, UNTIL),
    dossierId: fc.constantFrom(...DOSSIERS),
    stepId: fc.constantFrom('s0', 's1', 's2', 's3', 's4'),
    unitId: fc.constantFrom(...UNITS),
    reason: textArb(300),
    newDueAt: instantArb(UNTIL, parseInstant('2026-12-20T00:00:00+07:00')),
    type: fc.constantFrom(
      'step.completed',
      'supplement.requested',
      'supplement.received',
      'apology.issued',
      'dossier.resolved',
      'dossier.returned',
      'dossier.withdrawn',
      'dossier.rejected',
    ),
    withReason: fc.boolean(),
  })
  .map(({ type, at, dossierId, stepId, unitId, reason, newDueAt, withReason }) => {
    const e: Json = { type, at, dossierId };
    if (type === 'step.completed') e.stepId = stepId;
    if (type === 'apology.issued') Object.assign(e, { unitId, reason, newDueAt });
    if (
      type === 'dossier.rejected' ||
      (withReason && ['dossier.resolved', 'dossier.returned', 'dossier.withdrawn'].includes(type))
    )
      e.reason = reason;
    return e;
  });

const validEventArb = fc.oneof(
  { arbitrary: receivedArb, weight: 3 },
  { arbitrary: dossierEventArb, weight: 4 },
  { arbitrary: unitArb, weight: 1 },
);

// ---------- hostile mutations of a valid event ----------

type Kind = 'eventId' | 'id' | 'text' | 'instant' | 'limit' | 'phone' | 'enum' | 'type' | 'object' | 'path';
const KIND: Record<string, Kind> = {
  eventId: 'eventId',
  type: 'type',
  at: 'instant',
  newDueAt: 'instant',
  unitId: 'id',
  dossierId: 'id',
  procedureCode: 'id',
  parentUnitId: 'id',
  stepId: 'id',
  name: 'text',
  procedureName: 'text',
  reason: 'text',
  limit: 'limit',
  budget: 'limit',
  phone: 'phone',
  supplementMode: 'enum',
  priority: 'enum',
  applicant: 'object',
  head: 'object',
  path: 'path',
};
const OPTIONAL = new Set(['parentUnitId', 'supplementMode', 'priority', 'receivingUnitId']);

type Path = (string | number)[];
const name = (p: Path) => p.join('.');
const kindOf = (p: Path) => KIND[String(p[p.length - 1])]!;

/** Every field of an event: top level, inside applicant/head, inside each step of the path. */
function fieldsOf(e: Json): Path[] {
  const out: Path[] = [];
  for (const [k, v] of Object.entries(e)) {
    out.push([k]);
    if (k === 'applicant' || k === 'head') for (const sub of Object.keys(v as Json)) out.push([k, sub]);
    if (k !== 'path') continue;
    for (const [i, stage] of (v as Json[][]).entries()) {
      for (const [j, step] of stage.entries()) for (const sub of Object.keys(step)) out.push([k, i, j, sub]);
    }
  }
  return out;
}

const isRequired = (e: Json, p: Path) => {
  const last = String(p[p.length - 1]);
  if (OPTIONAL.has(last)) return false;
  return !(
    last === 'reason' && ['dossier.resolved', 'dossier.returned', 'dossier.withdrawn'].includes(e.type as string)
  );
};
const stringFields = (e: Json) => fieldsOf(e).filter((p) => !['object', 'path'].includes(kindOf(p)));

function clone(e: Json): Json {
  return structuredClone(e);
}
function parentOf(e: Json, p: Path): Record<string | number, unknown> {
  let o: unknown = e;
  for (const k of p.slice(0, -1)) o = (o as Record<string | number, unknown>)[k];
  return o as Record<string | number, unknown>;
}
function setAt(e: Json, p: Path, value: unknown): Json {
  const c = clone(e);
  parentOf(c, p)[p[p.length - 1]!] = value;
  return c;
}
function deleteAt(e: Json, p: Path): Json {
  const c = clone(e);
  delete parentOf(c, p)[p[p.length - 1]!];
  return c;
}
function getAt(e: Json, p: Path): unknown {
  return parentOf(e, p)[p[p.length - 1]!];
}

const WRONG_FOR_STRING = [null, 0, -1, 1.5, 1e308, true, false, [], ['x'], {}, { a: 1 }];
const WRONG_FOR_OBJECT = [null, 0, 'x', true, [], [{}]];
/** Wrong paths and where the first problem lies. */
const WRONG_FOR_PATH: [unknown, string][] = [
  [null, ''],
  [0, ''],
  ['x', ''],
  [{}, ''],
  [[], ''],
  [[[]], '.0'],
  [[{}], '.0'],
  [[[null]], '.0.0'],
  [[['s0']], '.0.0'],
];
// Cc, Cf, Co, Cs: NUL, BEL, ESC, DEL, NEL, soft hyphen, zero-width space/joiner, LRM, RLM, RLO, LRI,
// BOM, Mongolian vowel separator, a private-use character, lone surrogates.
const CONTROL = [
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00ad',
  '\u200b',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202e',
  '\u2066',
  '\ufeff',
  '\u180e',
  '\ue000',
  '\ud800',
  '\udfff',
];
// Letters that look like ASCII or are not ASCII at all: refused in identifiers, instants, limits and phones.
const MIXED_SCRIPT = ['а', 'о', 'ệ', 'Ω', '中', '😀', '٣', '５', ' ', '/', '%', '"', '\\'];
const BAD_INSTANTS = [
  '',
  'now',
  'yesterday',
  '2026-03-02',
  '2026-03-02T08:00:00',
  '2026-03-02 08:00:00+07:00',
  '2026-03-02T08:00:00+0700',
  '2026-02-30T08:00:00+07:00',
  '2026-13-01T08:00:00+07:00',
  '2026-00-10T08:00:00+07:00',
  '2026-03-02T24:00:00+07:00',
  '2026-03-02T08:60:00+07:00',
  '2026-03-02T08:00:60+07:00',
  '2026-03-02T08:00:00+15:00',
  '2026-03-02T08:00:00+07:60',
  '2026-03-02T08:00:00.1234567890+07:00',
  '+02026-03-02T08:00:00Z',
  '２０２６-03-02T08:00:00Z',
  '1772413200000',
  '2026-W10-1T08:00:00Z',
  '2026-061T08:00:00Z',
  'Mon, 02 Mar 2026 08:00:00 GMT',
  '2025-02-29T08:00:00Z',
  `2026-03-02T08:00:00+07:00${'0'.repeat(30)}`,
];
// Parseable but outside the working calendar's years: 422 for dossier events.
const OUT_OF_CALENDAR = [
  '1999-12-31T08:00:00+07:00',
  '2030-01-02T08:00:00+07:00',
  '0000-01-01T00:00:00Z',
  '0050-06-01T08:00:00+07:00',
  '9999-12-31T23:59:59Z',
  '2024-12-31T16:59:59Z',
];
const BAD_LIMITS = [
  '',
  '0 working days',
  '0 working hours',
  '-3 working days',
  '1.5 working days',
  '5 working weeks',
  '5 working minutes',
  '5 days',
  'five working days',
  '5 WORKING DAYS',
  '５ working days',
  '1e3 working days',
  'Infinity working days',
  '9007199254740993 working days',
  '5 working days please',
  '00000000000000000000000000000000000001 working days',
];
// Counted from any instant of 2026, these end beyond the calendar data: 422.
const ABSURD_LIMITS = [
  '1000 working days',
  '999999 working days',
  '9007199254740991 working days',
  '99999 working hours',
  '9007199254740991 working hours',
];
const BAD_PHONES = [
  '000',
  '12345',
  '0000000000',
  '+84 000 000 000',
  '+84 123',
  'abc',
  '',
  '+',
  '0912 345 67',
  '09123456789012345678901',
  '٠٩١٢٣٤٥٦٧٨',
  '0912345678 ext 5',
  '+8491234567890',
];

/** How the API names a key that is empty or not a plain word: as a JSON string. */
const fieldName = (key: string) => (/^[A-Za-z0-9_$-]+$/.test(key) ? key : JSON.stringify(key));
const DEEP_MARK = '\u0001deep\u0001';

interface Planted {
  label: string;
  event: unknown;
  field?: string;
  raw?: string;
}

function hostileOf(base: Json): fc.Arbitrary<Planted> {
  const type = base.type as string;
  const fields = fieldsOf(base);
  const strings = stringFields(base);
  const options: fc.Arbitrary<Planted>[] = [
    // A wrong type in any field.
    fc.tuple(fc.constantFrom(...fields), fc.nat()).map(([p, i]) => {
      if (kindOf(p) === 'path') {
        const [value, suffix] = WRONG_FOR_PATH[i % WRONG_FOR_PATH.length]!;
        return { label: `wrong path ${JSON.stringify(value)}`, event: setAt(base, p, value), field: `path${suffix}` };
      }
      const pool = kindOf(p) === 'object' ? WRONG_FOR_OBJECT : WRONG_FOR_STRING;
      return { label: `wrong type at ${name(p)}`, event: setAt(base, p, pool[i % pool.length]), field: name(p) };
    }),
    // A required field missing.
    fc
      .constantFrom(...fields.filter((p) => isRequired(base, p)))
      .map((p) => ({ label: `missing ${name(p)}`, event: deleteAt(base, p), field: name(p) })),
    // An unknown field, at the top, in a person or in a step; its value anything, deeply nested included.
    fc
      .tuple(
        fc.constantFrom<Path>(
          [],
          ...(['applicant', 'head'].filter((k) => k in base).map((k) => [k]) as Path[]),
          ...(type === 'dossier.received' ? [['path', 0, 0]] : []),
        ),
        fc.oneof(
          fc.string({ maxLength: 30, unit: 'binary' }),
          fc.constantFrom(
            '__proto__',
            'constructor',
            'toString',
            'hasOwnProperty',
            '',
            ' ',
            'Type',
            'eventID',
            'at ',
            '\u0000',
            'ж',
            'k'.repeat(5000),
          ),
        ),
        fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant('deep')),
      )
      .filter(
        ([prefix, key]) =>
          !Object.hasOwn(prefix.length ? (getAt(base, prefix) as Json) : base, key) &&
          !Object.hasOwn(KIND, key) &&
          key !== 'receivingUnitId',
      )
      .map(([prefix, key, value]) => {
        const c = clone(base);
        const target = (prefix.length ? getAt(c, prefix) : c) as Json;
        // Own property even for "__proto__"; a deep value is spliced into the text (JSON.stringify would overflow the
        // stack).
        Object.defineProperty(target, key, {
          value: value === 'deep' ? DEEP_MARK : value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        const full = name([...prefix, fieldName(key)]);
        const planted = {
          label: `unknown field ${JSON.stringify(full.slice(0, 40))}`,
          event: c,
          field: full.length > 80 ? `${full.slice(0, 77)}...` : full,
        };
        return value === 'deep'
          ? {
              ...planted,
              raw: JSON.stringify(c).replace(JSON.stringify(DEEP_MARK), '['.repeat(5000) + ']'.repeat(5000)),
            }
          : planted;
      }),
    // A huge string.
    fc
      .tuple(
        fc.constantFrom(...strings),
        fc.integer({ min: 400, max: 70_000 }),
        fc.constantFrom('x', '9', 'đ', '\u0000', '😀'),
      )
      .map(([p, n, ch]) => ({
        label: `huge string (${n} × ${JSON.stringify(ch)}) at ${name(p)}`,
        event: setAt(base, p, ch.repeat(n)),
        field: name(p),
      })),
    // A control character inside any string; a letter of another script inside anything but free text.
    fc.tuple(fc.constantFrom(...strings), fc.constantFrom(...CONTROL, ...MIXED_SCRIPT)).map(([p, ch]) => {
      // Free text may mix scripts; a phone or a limit may hold a space.
      const allowed = kindOf(p) === 'text' ? MIXED_SCRIPT : ['phone', 'limit'].includes(kindOf(p)) ? [' '] : [];
      const c = allowed.includes(ch) ? CONTROL[ch.codePointAt(0)! % CONTROL.length]! : ch;
      const s = String(getAt(base, p));
      const mid = Math.max(1, Math.floor(s.length / 2));
      return {
        label: `character U+${c.codePointAt(0)!.toString(16).padStart(4, '0')} in ${name(p)}`,
        event: setAt(base, p, s.slice(0, mid) + c + s.slice(mid)),
        field: name(p),
      };
    }),
    // An unknown event type.
    fc
      .constantFrom(
        'dossier.lost',
        'DOSSIER.RECEIVED',
        'toString',
        '__proto__',
        'constructor',
        'hasOwnProperty',
        'valueOf',
        '',
        ' dossier.received',
        'unit.upserted\u0000',
      )
      .map((t) => ({ label: `type ${JSON.stringify(t)}`, event: { ...base, type: t }, field: 'type' })),
    // An invalid instant.
    fc
      .tuple(
        fc.constantFrom(...fields.filter((p) => kindOf(p) === 'instant')),
        fc.constantFrom(...BAD_INSTANTS, ...(type === 'unit.upserted' ? [] : OUT_OF_CALENDAR)),
      )
      .map(([p, v]) => ({
        label: `instant ${JSON.stringify(v.slice(0, 40))} at ${name(p)}`,
        event: setAt(base, p, v),
        field: name(p),
      })),
  ];
  const limits = fields.filter((p) => kindOf(p) === 'limit');
  if (limits.length) {
    options.push(
      fc.tuple(fc.constantFrom(...limits), fc.constantFrom(...BAD_LIMITS, ...ABSURD_LIMITS)).map(([p, v]) => ({
        label: `limit ${JSON.stringify(v)} at ${name(p)}`,
        event: setAt(base, p, v),
        field: name(p),
      })),
    );
  }
  const phones = fields.filter((p) => kindOf(p) === 'phone');
  if (phones.length) {
    options.push(
      fc.tuple(fc.constantFrom(...phones), fc.constantFrom(...BAD_PHONES)).map(([p, v]) => ({
        label: `phone ${JSON.stringify(v)} at ${name(p)}`,
        event: setAt(base, p, v),
        field: name(p),
      })),
    );
  }
  const enums = fields.filter((p) => kindOf(p) === 'enum');
  if (enums.length) {
    options.push(
      fc
        .tuple(fc.constantFrom(...enums), fc.constantFrom('never', 'vip', 'PAUSE', '', 'pause ', 'elderly\u200b'))
        .map(([p, v]) => ({
          label: `enum ${JSON.stringify(v)} at ${name(p)}`,
          event: setAt(base, p, v),
          field: name(p),
        })),
    );
  }
  if (type === 'unit.upserted') {
    options.push(
      fc.constant({
        label: 'a unit its own parent',
        event: { ...base, parentUnitId: base.unitId },
        field: 'parentUnitId',
      }),
    );
  }
  if (type === 'dossier.received') {
    const stages = base.path as Json[][];
    options.push(
      fc.constant({
        label: 'a step twice on the path',
        event: {
          ...base,
          path: [...stages, [{ stepId: stages[0]![0]!.stepId, unitId: 'xa', budget: '1 working day' }]],
        },
        field: `path.${stages.length}.0.stepId`,
      }),
      fc.constant({
        label: 'a path of 21 stages',
        event: {
          ...base,
          path: Array.from({ length: 21 }, (_, i) => [{ stepId: `t${i}`, unitId: 'xa', budget: '1 working day' }]),
        },
        field: 'path',
      }),
      // A step at a unit that was never upserted: 422, naming the step (a province loads its units first).
      fc.constant({
        label: 'a step at an unknown unit',
        event: {
          ...base,
          path: [
            [{ stepId: 'a', unitId: 'xa', budget: '1 working day' }],
            [{ stepId: 'b', unitId: 'elsewhere', budget: '1 working day' }],
          ],
        },
        field: 'path[1][0].unitId',
      }),
      // The catalogue path cannot be resolved: 422.
      fc
        .constantFrom(
          { procedureCode: '9.999999', receivingUnitId: 'xa', field: 'path' },
          { procedureCode: '1.004227', receivingUnitId: 'nowhere', field: 'receivingUnitId' },
          { procedureCode: '2.000889', receivingUnitId: 'tinh', field: 'receivingUnitId' },
        )
        .map(({ procedureCode, receivingUnitId, field }) => {
          const { path: _path, ...rest } = base;
          return {
            label: `catalogue ${procedureCode} for ${receivingUnitId}`,
            event: { ...rest, procedureCode, receivingUnitId },
            field,
          };
        }),
    );
  }
  return fc.oneof(...options);
}

/** Bodies that are no event at all: not JSON, not an object, nested 10,000 deep, over the size limit. */
const rawBodyArb = (base: Json): fc.Arbitrary<Planted> => {
  const text = JSON.stringify(base);
  return fc.oneof(
    fc
      .constantFrom('[]', '[{}]', '0', '-1', '1e999', '"dossier.received"', 'null', 'true', JSON.stringify([base]))
      .map((raw) => ({ label: `not an object: ${raw.slice(0, 20)}`, event: null, raw, field: '(body)' })),
    fc
      .integer({ min: 1, max: text.length - 1 })
      .map((n) => ({ label: `truncated at ${n}`, event: null, raw: text.slice(0, n), field: '(body)' })),
    fc
      .constantFrom(
        '',
        '   ',
        'NaN',
        "{'type':'dossier.received'}",
        `${text}x`,
        `\ufeff${text}`,
        `<event type="dossier.received"/>`,
        'type=dossier.received&at=now',
        '{"a":1,}',
        '{"a":undefined}',
        text.replace(/"/g, "'"),
        `${text}${text}`,
      )
      .map((raw) => ({ label: `not JSON: ${JSON.stringify(raw.slice(0, 20))}`, event: null, raw, field: '(body)' })),
    fc
      .tuple(
        fc.integer({ min: 1_000, max: 12_000 }),
        fc.constantFrom('array', 'object', 'in applicant', 'in unknown field'),
      )
      .map(([depth, shape]) => {
        let raw: string;
        let field: string;
        if (shape === 'array') [raw, field] = ['['.repeat(depth) + ']'.repeat(depth), '(body)'];
        else if (shape === 'object') [raw, field] = [`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, 'type'];
        else {
          const key = shape === 'in applicant' && 'applicant' in base ? 'applicant' : 'nested';
          raw = `${text.slice(0, -1)},"${key}":${'['.repeat(depth)}${']'.repeat(depth)}}`;
          if (key === 'applicant')
            raw = JSON.stringify({ ...base, applicant: 0 }).replace(
              '"applicant":0',
              `"applicant":${'['.repeat(depth)}${']'.repeat(depth)}`,
            );
          field = key;
        }
        return {
          label: `nested ${depth} deep (${shape})`,
          event: null,
          raw,
          field: Buffer.byteLength(raw) > MAX_BODY_BYTES ? '(body)' : field,
        };
      }),
    fc
      .tuple(
        fc.integer({ min: MAX_BODY_BYTES - text.length + 1, max: 4 * MAX_BODY_BYTES }),
        fc.constantFrom('x', 'đ', '中'),
      )
      .map(([n, ch]) => {
        const raw = `${text.slice(0, -1)},"padding":"${ch.repeat(Math.ceil(n / Buffer.byteLength(ch)))}"}`;
        return { label: `${Buffer.byteLength(raw)} bytes of ${ch}`, event: null, raw, field: '(body)' };
      }),
  );
};

const BAD_IDS = [
  'bad%20id',
  '%',
  '%E0%A4%A',
  '%zz',
  'x'.repeat(81),
  '..',
  '-a',
  '%2e%2e',
  'a%2Fb',
  '%D0%B6',
  'a%00b',
  '%20',
  'a.b%23c',
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const PATHS = [
  '/',
  '/events/',
  '/EVENTS',
  '/events/x',
  '/dossiers',
  '/dossiers/',
  '/dossiers/a/b',
  '//events',
  '/events%00',
  '/event',
  '/api/events',
  '/dossiers/FZ-1/x',
];
const routeArb: fc.Arbitrary<Case> = fc
  .oneof(
    fc
      .tuple(
        fc.constantFrom(...METHODS),
        fc.oneof(
          fc.constantFrom(...PATHS),
          fc.webPath().map((p) => p || '/'),
        ),
      )
      // Dot segments would let the URL parser of fetch walk back to a real route.
      .filter(
        ([m, p]) =>
          !(m === 'POST' && p === '/events') &&
          !(m === 'GET' && (p === '/dossiers' || p.startsWith('/dossiers/') || p.startsWith('/reports/'))) &&
          !/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(p),
      ),
    fc.tuple(
      fc.constantFrom(...METHODS.filter((m) => m !== 'GET')),
      fc.constantFrom('/dossiers/FZ-1', '/dossiers/NOPE'),
    ),
    fc.tuple(
      fc.constant('GET'),
      fc.constantFrom(
        '/events',
        ...BAD_IDS.map((id) => `/dossiers/${id}`),
        '/dossiers/NOPE-1',
        '/dossiers/ok.but-unknown_1',
      ),
    ),
  )
  .map(([method, path]) => ({
    label: `${method} ${path}`,
    method,
    path,
    body: method === 'GET' ? null : '{}',
    expected: { kind: 'route' },
    secrets: [],
  }));

function secretsOf(e: unknown): string[] {
  if (typeof e !== 'object' || e === null) return [];
  const out: string[] = [];
  for (const person of [(e as Json).applicant, (e as Json).head]) {
    if (typeof person !== 'object' || person === null) continue;
    for (const v of [(person as Json).name, (person as Json).phone])
      if (typeof v === 'string' && v.length >= 6) out.push(v);
  }
  return out;
}

let hostileIds = 0;
const caseArb: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 1,
    arbitrary: validEventArb.map(
      (e): Case => ({
        label: `valid ${e.type as string}`,
        method: 'POST',
        path: '/events',
        body: JSON.stringify(e),
        expected: { kind: 'accept' },
        secrets: secretsOf(e),
      }),
    ),
  },
  {
    weight: 16,
    arbitrary: validEventArb
      .chain((e) => {
        const base = { eventId: `fz-h-${hostileIds++}`, ...e };
        return fc
          .oneof({ weight: 4, arbitrary: hostileOf(base) }, { weight: 1, arbitrary: rawBodyArb(base) })
          .map((p) => ({ p, base }));
      })
      .map(
        ({ p, base }): Case => ({
          label: p.label,
          method: 'POST',
          path: '/events',
          body: p.raw ?? JSON.stringify(p.event),
          expected: {
            kind: 'reject',
            field:
              p.raw === undefined && Buffer.byteLength(JSON.stringify(p.event)) > MAX_BODY_BYTES ? '(body)' : p.field,
          },
          secrets: secretsOf(base),
        }),
      ),
  },
  { weight: 2, arbitrary: routeArb },
);

// ---------- the harness ----------

let stack: LocalStack;
let url: string;
let closeServer: () => Promise<void>;
let validIds = 0;

beforeAll(async () => {
  stack = await startLocalStack({ simulatedStart: NOW });
  const served = await serveHttp(stack, 0);
  url = served.url;
  closeServer = () => new Promise((resolve) => served.server.close(() => resolve()));
  for (const u of PROVINCE) expect((await stack.request('POST', '/events', JSON.stringify(u))).statusCode).toBe(202);
});
afterAll(async () => {
  await closeServer();
  await stack.close();
});

interface Answer {
  status: number;
  body: string;
}

const viaRoute = async (c: Case, base64: boolean): Promise<Answer> => {
  const body = c.body !== null && base64 ? Buffer.from(c.body, 'utf8').toString('base64') : c.body;
  const r = await stack.invokeApi(
    apiGatewayEvent(c.method, c.path, body, { isBase64Encoded: base64 && c.body !== null }),
  );
  return { status: r.statusCode, body: r.body };
};
const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
];
const viaHttp = async (c: Case, i: number): Promise<Answer> => {
  const r = await fetch(`${url}${c.path}`, {
    method: c.method,
    body: c.body ?? undefined,
    headers: { 'content-type': CONTENT_TYPES[i % CONTENT_TYPES.length]! },
  });
  return { status: r.status, body: await r.text() };
};

/** What is wrong with an answer, or null. */
function check(c: Case, a: Answer): string | null {
  if (a.status >= 500) return `answered ${a.status}`;
  for (const s of c.secrets) if (a.body.includes(s)) return 'echoed personal data';
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(a.body) as Record<string, unknown>;
  } catch {
    return `answered ${a.status} with a body that is not JSON`;
  }
  const named =
    typeof body.field === 'string' &&
    body.field.length > 0 &&
    typeof body.reason === 'string' &&
    body.reason.length > 0;
  switch (c.expected.kind) {
    case 'accept':
      return a.status >= 200 && a.status < 300 ? null : `valid event answered ${a.status}: ${a.body}`;
    case 'route':
      // 401: a read route called with no signed-in user (the route function, unlike the local server, has none).
      if (a.status === 401 || a.status === 404 || a.status === 405)
        return typeof body.reason === 'string' ? null : 'no reason';
      if (a.status === 400) return named ? null : `400 without field and reason: ${a.body}`;
      return `answered ${a.status}`;
    case 'reject':
      if (a.status < 400) return `hostile event answered ${a.status}: ${a.body.slice(0, 200)}`;
      if (!named) return `answered ${a.status} without field and reason: ${a.body.slice(0, 200)}`;
      if (c.expected.field !== undefined && body.field !== c.expected.field)
        return `named ${JSON.stringify(body.field)}, expected ${JSON.stringify(c.expected.field)} (${String(body.reason).slice(0, 120)})`;
      return null;
  }
}

/** Distinct failures with their counts, the first 30. */
function summary(failures: string[]): string[] {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(f, (counts.get(f) ?? 0) + 1);
  return [...counts].slice(0, 30).map(([f, n]) => `${n} × ${f}`);
}

/** Valid events first (each with a fresh eventId), then the hostile ones; the store must not move meanwhile. */
async function runBatch(
  cases: Case[],
  send: (c: Case, i: number) => Promise<Answer>,
  concurrency: number,
  failures: string[],
) {
  const valid = cases.filter((c) => c.expected.kind === 'accept');
  const hostile = cases.filter((c) => c.expected.kind !== 'accept');
  for (const [i, c] of valid.entries()) {
    const body = JSON.stringify({ eventId: `fz-v-${validIds++}`, ...(JSON.parse(c.body!) as Json) });
    const problem = check(c, await send({ ...c, body }, i));
    if (problem) failures.push(`${c.label}: ${problem}`);
  }
  await stack.time!.settle();
  const before = await scanTable(stack.store);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < hostile.length) {
        const i = next++;
        const c = hostile[i]!;
        const problem = check(c, await send(c, i));
        if (problem) failures.push(`${c.label}: ${problem}`);
      }
    }),
  );
  await stack.time!.settle();
  const after = await scanTable(stack.store);
  if (after.length !== before.length || after.some((item, i) => item !== before[i])) {
    const added = after.filter((x) => !before.includes(x)).map((x) => `+ ${x.slice(0, 160)}`);
    const removed = before.filter((x) => !after.includes(x)).map((x) => `- ${x.slice(0, 160)}`);
    failures.push(`the store changed under rejected events:\n${[...added, ...removed].slice(0, 10).join('\n')}`);
  }
  return { valid: valid.length, hostile: hostile.length, items: after.length };
}

describe('intake fuzz (bad input)', () => {
  const cases = fc.sample(caseArb, { seed: SEED, numRuns: ROUTE_CASES + HTTP_CASES });
  const count = (from: Case[], kind: Expected['kind']) => from.filter((c) => c.expected.kind === kind).length;

  it(`answers ${ROUTE_CASES} generated requests through the route function: hostile ones 4xx with field and reason, valid ones 2xx, the store unchanged by rejections`, async () => {
    const mine = cases.slice(0, ROUTE_CASES);
    const failures: string[] = [];
    let items = 0;
    for (let i = 0; i < mine.length; i += BATCH) {
      // Every third batch as API Gateway sends a binary body: base64.
      const base64 = (i / BATCH) % 3 === 2;
      ({ items } = await runBatch(mine.slice(i, i + BATCH), (c) => viaRoute(c, base64), 1, failures));
    }
    expect(summary(failures), `${failures.length} failures`).toEqual([]);
    // Not vacuous: valid events were accepted and wrote to the store.
    expect(count(mine, 'accept')).toBeGreaterThan(300);
    expect(count(mine, 'reject')).toBeGreaterThan(7_000);
    expect(items).toBeGreaterThan(500);
  });

  it(`answers ${HTTP_CASES} generated requests over HTTP the same way`, async () => {
    const mine = cases.slice(ROUTE_CASES).filter((c) => c.method !== 'HEAD');
    const failures: string[] = [];
    for (let i = 0; i < mine.length; i += BATCH)
      await runBatch(mine.slice(i, i + BATCH), viaHttp, HTTP_CONCURRENCY, failures);
    expect(summary(failures), `${failures.length} failures`).toEqual([]);
    expect(count(mine, 'accept')).toBeGreaterThan(100);
  });

  it('survives malformed HTTP: bad request targets, aborted and broken bodies', async () => {
    const port = Number(new URL(url).port);
    const raw = (text: string, abortAfterMs?: number) =>
      new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        let out = '';
        socket.on('data', (d) => (out += d.toString('latin1')));
        socket.on('error', () => resolve(out));
        socket.on('close', () => resolve(out));
        socket.write(Buffer.from(text, 'latin1'));
        // Real time: these timers were saved before the simulated clock was installed.
        if (abortAfterMs !== undefined) realSetTimeout(() => socket.destroy(), abortAfterMs);
        else socket.end();
      });
    const before = await scanTable(stack.store);
    const statusOf = (reply: string) => Number(reply.slice(9, 12));
    for (const target of ['http://[', 'http://x:99999/events', 'http:', 'mailto:x', 'x']) {
      const reply = await raw(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(statusOf(reply), target).toBeGreaterThanOrEqual(400);
      expect(statusOf(reply), target).toBeLessThan(500);
    }
    expect(statusOf(await raw('GET //evil/dossiers/FZ-1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toBe(404);
    expect(await raw('POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"eventId":', 50)).toBe('');
    expect(statusOf(await raw('POST /events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'))).toBe(
      400,
    );
    expect(statusOf(await raw('\u0000\u0001 garbage\r\n\r\n'))).toBe(400);
    expect(
      statusOf(
        await raw(
          'POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\n\u00ff\u00fe\u00fd\u00fc',
        ),
      ),
    ).toBe(400);
    expect(await scanTable(stack.store)).toEqual(before);
  });

  it('still serves after the storm: a new dossier is accepted and its control sheet read back', async () => {
    const event = {
      eventId: 'fz-after-storm',
      type: 'dossier.received',
      at: '2026-05-29T08:00:00+07:00',
      dossierId: 'FZ-AFTER',
      procedureCode: '1.004227',
      procedureName: 'Đăng ký biến động quyền sử dụng đất',
      limit: '5 working days',
      applicant: { name: 'Nguyễn Văn A', phone: '0905123456' },
      path: [[{ stepId: 'a', unitId: 'xa', budget: '1 working day' }]],
    };
    const posted = await fetch(`${url}/events`, { method: 'POST', body: JSON.stringify(event) });
    expect(posted.status).toBe(202);
    const sheet = await fetch(`${url}/dossiers/FZ-AFTER`);
    expect(sheet.status).toBe(200);
    expect(await sheet.json()).toMatchObject({ dossierId: 'FZ-AFTER', status: 'in_progress' });
  });
});
