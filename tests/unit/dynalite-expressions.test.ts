import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheExpressionParses, expressionCacheCounts, setExpressionCache } from '../../local/dynalite-expressions.ts';
import { type InProcessDynalite, inProcessDynalite } from '../../local/dynalite-handler.ts';

// The expression cache in front of dynalite's parsers gives exactly what dynalite gives without it:
// the same parse (values in place, by reference; the same sharing and prototypes), the same
// unused-name and unused-value refusals, the same errors; for the expressions the store sends and for
// invalid ones. Each request is validated three times: without the cache, then twice with it (a miss
// that fills it, a hit).

const require = createRequire(import.meta.url);
const validations = require('dynalite/validations') as { validateExpressions(data: Request): string | undefined };
cacheExpressionParses();

type Value = Record<string, unknown>;
interface Request {
  UpdateExpression?: string;
  ConditionExpression?: string;
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, Value>;
  [parsed: string]: unknown;
}

const S = (s: string) => ({ S: s });
const N = (n: number) => ({ N: String(n) });

/** A parse written out: prototypes, shared nodes and the request's own values named. */
function describeParse(tree: unknown, values: Record<string, Value>): string {
  const names = new Map<unknown, string>(Object.entries(values).map(([k, v]) => [v, k]));
  const seen = new Map<object, number>();
  const walk = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node === undefined ? '<undefined>' : node;
    if (names.has(node)) return `<value ${names.get(node)}>`;
    if (seen.has(node)) return `<shared ${seen.get(node)}>`;
    seen.set(node, seen.size);
    if (Array.isArray(node)) return node.map(walk);
    const proto = Object.getPrototypeOf(node) === null ? 'null-proto' : 'object';
    return { proto, ...Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)])) };
  };
  return JSON.stringify(walk(tree));
}

function validated(request: Request, cached: boolean): string {
  const data = structuredClone(request);
  setExpressionCache(cached);
  try {
    const message = validations.validateExpressions(data) ?? null;
    const values = data.ExpressionAttributeValues ?? {};
    const parsed = ['_updates', '_condition', '_keyCondition', '_filter', '_projection'].map((k) =>
      describeParse(data[k], values),
    );
    return JSON.stringify({ message, parsed });
  } catch (err) {
    return JSON.stringify({ thrown: String(err) });
  } finally {
    setExpressionCache(true);
  }
}

function sameWithAndWithoutCache(request: Request): string {
  const without = validated(request, false);
  expect(validated(request, true)).toBe(without);
  const hits = expressionCacheCounts().hits;
  expect(validated(request, true)).toBe(without);
  answeredFromCache += expressionCacheCounts().hits - hits;
  return without;
}
let answeredFromCache = 0;

// The store's expressions (functions/adapters/dynamodb), with values of their types.
const STORE: Request[] = [
  {
    UpdateExpression:
      'SET dossierId = :id, version = :v, #status = :status, dueAt = :due, holderUnitId = :holder, closedSteps = :closed, ' +
      'gsi1pk = :g1pk, gsi1sk = :g1sk, tokens = if_not_exists(tokens, :noTokens), waits = if_not_exists(waits, :noTokens), ' +
      'facts = :facts REMOVE gsi6pk, gsi6sk',
    ConditionExpression: 'attribute_not_exists(version) OR version < :v',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':id': S('D-1'),
      ':v': N(3),
      ':status': S('in_progress'),
      ':due': { NULL: true },
      ':holder': S('xa'),
      ':closed': { L: [S('a'), S('b')] },
      ':g1pk': S('OPEN'),
      ':g1sk': S('9999#D-1'),
      ':noTokens': { M: {} },
      ':facts': { M: { receivedBy: S('xa'), supplementRequests: N(0), nested: { L: [{ M: { x: S('y') } }] } } },
    },
  },
  {
    UpdateExpression:
      'SET tokens.#step = :token, waits.#step = :watch, watchAt = :watch, gsi4sk = :g4sk, failedRestarts = :zero',
    ConditionExpression: 'attribute_exists(tokens) AND NOT contains(closedSteps, :step)',
    ExpressionAttributeNames: { '#step': 'a' },
    ExpressionAttributeValues: { ':token': S('t'), ':watch': S('w'), ':g4sk': S('g'), ':zero': N(0), ':step': S('a') },
  },
  {
    UpdateExpression:
      'SET tokens.#step = :token, waits.#step = :watch, watchAt = :watch, gsi4sk = :g4sk, failedRestarts = :zero',
    ConditionExpression: 'attribute_exists(tokens) AND NOT contains(closedSteps, :step)',
    ExpressionAttributeNames: { '#step': 'b-2' },
    ExpressionAttributeValues: {
      ':token': S('u'),
      ':watch': S('x'),
      ':g4sk': S('h'),
      ':zero': N(0),
      ':step': S('b-2'),
    },
  },
  {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
    ExpressionAttributeValues: { ':pk': S('DOSSIER#1'), ':sk': S('EVENT#') },
  },
  {
    KeyConditionExpression: 'pk = :pk AND sk >= :sk',
    ExpressionAttributeValues: { ':pk': S('DOSSIER#1'), ':sk': S('EVENT#') },
  },
  {
    KeyConditionExpression: 'gsi4pk = :w AND gsi4sk < :before',
    ExpressionAttributeValues: { ':w': S('W'), ':before': S('2026') },
  },
  {
    KeyConditionExpression: 'gsi7pk = :m AND gsi7sk BETWEEN :from AND :to',
    ProjectionExpression: 'dossierId, facts',
    ExpressionAttributeValues: { ':m': S('RECEIVED#2026-03'), ':from': S('2026-03-01'), ':to': S('2026-04-01') },
  },
  {
    UpdateExpression: 'ADD members :m',
    ConditionExpression: '#status = :pending',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':m': { SS: ['a|b'] }, ':pending': S('pending') },
  },
  {
    UpdateExpression: 'ADD ids :id',
    ConditionExpression: 'attribute_not_exists(ids) OR size(ids) < :cap OR contains(ids, :one)',
    ExpressionAttributeValues: { ':id': { SS: ['n-1'] }, ':cap': N(3), ':one': S('n-1') },
  },
  {
    UpdateExpression: 'SET #status = :pending REMOVE claimId, claimedAt',
    ConditionExpression: '#status = :sending AND claimId = :claim',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':pending': S('pending'), ':sending': S('sending'), ':claim': S('c') },
  },
  { ConditionExpression: 'attribute_not_exists(pk)' },
  {
    UpdateExpression: 'SET waits = if_not_exists(waits, :none), n = n + :one, l = list_append(l, :l)',
    ExpressionAttributeValues: { ':none': { M: {} }, ':one': N(1), ':l': { L: [N(1)] } },
  },
];

// Invalid requests: dynalite's answer, whatever it is, must stay the same.
const INVALID: Request[] = [
  { ConditionExpression: 'attribute_not_exists(pk' },
  { ConditionExpression: 'a = :a', ExpressionAttributeValues: { ':a': S('x'), ':unused': S('y') } },
  {
    ConditionExpression: '#a = :a',
    ExpressionAttributeNames: { '#a': 'a', '#b': 'b' },
    ExpressionAttributeValues: { ':a': S('x') },
  },
  { ConditionExpression: '#missing = :a', ExpressionAttributeValues: { ':a': S('x') } },
  { ConditionExpression: 'a = :missing', ExpressionAttributeValues: { ':a': S('x') } },
  {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
    ExpressionAttributeValues: { ':pk': S('P'), ':sk': N(1) },
  },
  {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: { ':pk': S('P'), ':a': S('z'), ':b': S('a') },
  },
  {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: { ':pk': S('P'), ':a': S('a'), ':b': S('z') },
  },
  {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: { ':pk': S('P'), ':a': S('a'), ':b': N(1) },
  },
  { ConditionExpression: 'attribute_type(a, :t)', ExpressionAttributeValues: { ':t': S('S') } },
  { ConditionExpression: 'attribute_type(a, :t)', ExpressionAttributeValues: { ':t': S('NOPE') } },
  { ConditionExpression: 'status = :s', ExpressionAttributeValues: { ':s': S('x') } },
  { ConditionExpression: '((a = :a))', ExpressionAttributeValues: { ':a': S('x') } },
  { ConditionExpression: 'a = a' },
  { ConditionExpression: 'size(a)' },
  { ConditionExpression: 'nofunction(a)' },
  { UpdateExpression: 'ADD a :s', ExpressionAttributeValues: { ':s': S('x') } },
  { UpdateExpression: 'SET a = :a SET b = :a', ExpressionAttributeValues: { ':a': S('x') } },
  { UpdateExpression: 'SET a = :a, a.b = :a', ExpressionAttributeValues: { ':a': S('x') } },
  { UpdateExpression: 'SET a = :a + :b', ExpressionAttributeValues: { ':a': S('x'), ':b': N(1) } },
  { UpdateExpression: '', ConditionExpression: 'a = :a', ExpressionAttributeValues: { ':a': S('x') } },
  { ProjectionExpression: 'a, a.b' },
  { ProjectionExpression: '#a', ExpressionAttributeNames: { '#b': 'b' } },
];

describe('the expression cache in front of dynalite', () => {
  it('parses the store’s expressions as dynalite does, values in place', () => {
    for (const request of STORE) {
      const answer = JSON.parse(sameWithAndWithoutCache(request)) as { message: string | null };
      expect(answer.message, JSON.stringify(request)).toBeNull();
    }
    // Each expression but the BETWEEN one was answered from the cache the third time.
    const expressions = STORE.flatMap((r) =>
      [r.UpdateExpression, r.ConditionExpression, r.KeyConditionExpression, r.ProjectionExpression].filter(
        (e) => e !== undefined && !/BETWEEN/.test(e),
      ),
    );
    expect(answeredFromCache).toBe(expressions.length);
  });

  it('answers invalid expressions as dynalite does: syntax, unused and undefined names, types, bounds', () => {
    const messages = INVALID.map((request) => JSON.parse(sameWithAndWithoutCache(request)) as { message?: string });
    // The cases are invalid indeed (but the two valid BETWEEN and attribute_type ones, kept as controls).
    expect(messages.filter((m) => m.message === null)).toHaveLength(2);
  });

  it('tells apart the same expression with values of another type, or other names', () => {
    const begins = (sk: Value) => ({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': S('P'), ':sk': sk },
    });
    expect(JSON.parse(sameWithAndWithoutCache(begins(S('E')))).message).toBeNull();
    expect(JSON.parse(sameWithAndWithoutCache(begins(N(1)))).message).toMatch(/Incorrect operand type/);
    expect(JSON.parse(sameWithAndWithoutCache(begins(S('F')))).message).toBeNull();
    const distinct = (b: string) => ({
      ConditionExpression: '#a = #b',
      ExpressionAttributeNames: { '#a': 'x', '#b': b },
    });
    expect(JSON.parse(sameWithAndWithoutCache(distinct('y'))).message).toBeNull();
    expect(JSON.parse(sameWithAndWithoutCache(distinct('x'))).message).toMatch(/must be distinct/);
  });

  it('counts a value used by two expressions of one request once, in either order', () => {
    const update = { UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': N(1), ':w': N(2) } };
    sameWithAndWithoutCache({ ...update, ConditionExpression: 'v < :v' });
    sameWithAndWithoutCache({ ...update, ConditionExpression: 'v < :w' });
    expect(JSON.parse(sameWithAndWithoutCache({ ...update, ConditionExpression: 'v < :v' })).message).toMatch(
      /unused in expressions: keys: \{:w\}/,
    );
  });
});

describe('dynalite with the cache, end to end', () => {
  let dynalite: InProcessDynalite;
  const call = async (op: string, body: object) => {
    const { statusCode, body: answer } = await dynalite.call(op, JSON.stringify(body));
    return { statusCode, answer };
  };
  beforeAll(async () => {
    dynalite = inProcessDynalite({ createTableMs: 0 });
    await dynalite.open();
    await call('CreateTable', {
      TableName: 'exprs',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
    await dynalite.tableActive('exprs');
  });
  afterAll(async () => {
    await dynalite.close();
  });

  it('writes, refuses and queries with each request’s own values, as without the cache', async () => {
    const update = (v: number) => ({
      TableName: 'exprs',
      Key: { pk: S('P'), sk: S(`I#${v % 3}`) },
      UpdateExpression: 'SET version = :v, tags = list_append(if_not_exists(tags, :none), :tag)',
      ConditionExpression: 'attribute_not_exists(version) OR version < :v',
      ExpressionAttributeValues: { ':v': N(v), ':none': { L: [] }, ':tag': { L: [S(`t${v}`)] } },
      ReturnValues: 'ALL_NEW',
    });
    const answers: Record<string, unknown>[] = [];
    for (const cached of [false, true]) {
      setExpressionCache(cached);
      const prefix = cached ? 'C' : 'U';
      for (const v of [5, 6, 7, 8, 4, 9, 9]) {
        const r = await call('UpdateItem', { ...update(v), Key: { pk: S(prefix), sk: S(`I#${v % 3}`) } });
        answers.push({ cached, v, status: r.statusCode, answer: r.answer });
      }
      const q = await call('Query', {
        TableName: 'exprs',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': S(prefix), ':sk': S('I#') },
      });
      answers.push({ cached, query: q.answer });
    }
    setExpressionCache(true);
    const without = answers.slice(0, answers.length / 2).map(({ cached: _, ...a }) => a);
    const withCache = answers.slice(answers.length / 2).map(({ cached: _, ...a }) => a);
    expect(JSON.stringify(withCache).replaceAll('"C"', '"U"')).toBe(JSON.stringify(without));
    // The refusal of an older version (v 4 after 7 on I#1) is among the answers.
    expect(without.some((a) => (a as { status?: number }).status === 400)).toBe(true);
  });
});
