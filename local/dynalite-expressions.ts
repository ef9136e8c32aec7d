import { createRequire } from 'node:module';

/**
 * dynalite parses every ConditionExpression, UpdateExpression, KeyConditionExpression, FilterExpression
 * and ProjectionExpression of every call with its PEG parsers (db/*Parser.js), about a fifth of the
 * embedded stack's time, while the store sends the same few expressions again and again. This keeps
 * each successful parse and answers the same parse again with a copy of it.
 *
 * What a parse depends on, and so what the cache key holds: the parser, the expression, the
 * ExpressionAttributeNames (names resolve into paths; two equal paths are an error) and, of the
 * ExpressionAttributeValues, the names and the type of each value (a value is embedded in the tree by
 * reference, its type is checked: begins_with takes S or B, ADD takes N or a set, ...). The values'
 * contents matter only to BETWEEN (its bounds are compared) and attribute_type (its argument names a
 * type): an expression mentioning either is never cached, whatever it parses to (a PEG parser runs the
 * actions of alternatives it later drops). Nothing else of the request reaches the parsers.
 *
 * A parse also deletes the names and values it uses from the request's unused-name and unused-value
 * maps (dynalite refuses a request with unused ones): the cache records those it deletes and deletes
 * them again at each use. Parses that fail (a syntax error thrown, an error message returned) are not
 * kept: they are parsed again each time, as dynalite would.
 */

const require = createRequire(import.meta.url);

type AttributeValue = Record<string, unknown>;
interface ParseContext {
  attrNames?: Record<string, string> | null;
  attrVals?: Record<string, AttributeValue> | null;
  unusedAttrNames: Record<string, boolean>;
  unusedAttrVals: Record<string, boolean>;
  [other: string]: unknown;
}
type Parse = (input: string, options: { context: ParseContext }) => unknown;
interface ParserModule {
  parse: Parse;
  dunghanUncached?: Parse;
}

/** A place in a kept parse where the request's value of that name goes. */
class ValueSlot {
  constructor(readonly name: string) {}
}

interface Kept {
  tree: unknown;
  names: string[];
  values: string[];
}

const TYPES = new Set(['S', 'N', 'B', 'NULL', 'BOOL', 'SS', 'NS', 'BS', 'L', 'M']);
/** Value contents decide these operators' validity: never kept. */
const VALUE_DEPENDENT = /between|attribute_type/i;
/** Enough for every expression the store sends, with room; past it the cache starts again empty. */
const MAX_KEPT = 4096;

let enabled = true;
const counts = { hits: 0, misses: 0 };

/** Parses answered from the cache and parses kept, since the process started. */
export function expressionCacheCounts(): Readonly<typeof counts> {
  return counts;
}

/** Turns the cache off and on (tests compare both); on by default once installed. */
export function setExpressionCache(on: boolean): void {
  enabled = on;
}

/**
 * Puts the cache in front of dynalite's three expression parsers (the module objects its validations
 * call through, so every operation uses it). Idempotent.
 */
export function cacheExpressionParses(): void {
  const files = ['conditionParser', 'updateParser', 'projectionParser'];
  files.forEach((file, index) => {
    const parser = require(require.resolve(`dynalite/db/${file}`)) as ParserModule;
    if (parser.dunghanUncached) return;
    const uncached = parser.parse;
    parser.dunghanUncached = uncached;
    parser.parse = cachedParse(index, uncached);
  });
}

function cachedParse(parserId: number, uncached: Parse): Parse {
  const kept = new Map<string, Kept>();
  return (input, options) => {
    const context = options.context;
    const key = enabled && !VALUE_DEPENDENT.test(input) ? cacheKey(parserId, input, context) : null;
    if (key === null) return uncached(input, options);
    const hit = kept.get(key);
    if (hit) {
      counts.hits++;
      forget(context, hit);
      return fill(hit.tree, context.attrVals ?? {}, new Map());
    }
    // Parsed against full unused maps, to learn every name and value this expression uses (an earlier
    // expression of the same request may have deleted some from the request's maps already).
    const probe: ParseContext = {
      ...context,
      unusedAttrNames: allKeys(context.attrNames),
      unusedAttrVals: allKeys(context.attrVals),
    };
    const result = uncached(input, { ...options, context: probe });
    const used: Kept = {
      tree: null,
      names: Object.keys(context.attrNames ?? {}).filter((n) => !(n in probe.unusedAttrNames)),
      values: Object.keys(context.attrVals ?? {}).filter((v) => !(v in probe.unusedAttrVals)),
    };
    forget(context, used);
    if (typeof result === 'string') return result;
    const tree = template(result, context.attrVals ?? {});
    if (tree !== UNCACHEABLE) {
      if (kept.size >= MAX_KEPT) kept.clear();
      kept.set(key, { ...used, tree });
      counts.misses++;
    }
    return result;
  };
}

/** The key of a parse, or null when a value is not one dynalite's validation lets through as typed. */
function cacheKey(parserId: number, input: string, context: ParseContext): string | null {
  let values = '';
  if (context.attrVals != null) {
    for (const name of Object.keys(context.attrVals)) {
      const value = context.attrVals[name];
      if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
      const types = Object.keys(value);
      if (types.length !== 1 || !TYPES.has(types[0]!) || value[types[0]!] == null) return null;
      values += `${name}=${types[0]}\u0000`;
    }
  } else values = '-';
  const names = context.attrNames == null ? '-' : JSON.stringify(context.attrNames);
  return `${parserId}\u0001${input}\u0001${names}\u0001${values}`;
}

function allKeys(map: Record<string, unknown> | null | undefined): Record<string, boolean> {
  const all: Record<string, boolean> = {};
  for (const k of Object.keys(map ?? {})) all[k] = true;
  return all;
}

function forget(context: ParseContext, used: Pick<Kept, 'names' | 'values'>): void {
  for (const n of used.names) delete context.unusedAttrNames[n];
  for (const v of used.values) delete context.unusedAttrVals[v];
}

const UNCACHEABLE = Symbol('uncacheable');

/**
 * A parse as kept: its own copy, with each of the request's values replaced by a slot for its name, and
 * the same sharing of nodes (the update parser lists each path twice). Anything but plain data, or a
 * piece of a value without the value itself, cannot be kept.
 */
function template(tree: unknown, values: Record<string, AttributeValue>): unknown {
  const slots = new Map<unknown, string>(Object.entries(values).map(([name, value]) => [value, name]));
  const inside = new Set<unknown>();
  const collect = (v: unknown) => {
    if (v && typeof v === 'object' && !inside.has(v)) {
      inside.add(v);
      for (const child of Object.values(v)) collect(child);
    }
  };
  for (const value of Object.values(values)) for (const child of Object.values(value)) collect(child);
  const copies = new Map<object, unknown>();
  let cacheable = true;
  const copy = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') {
      if (typeof node === 'function' || typeof node === 'symbol') cacheable = false;
      return node;
    }
    const slot = slots.get(node);
    if (slot !== undefined) return new ValueSlot(slot);
    if (inside.has(node)) cacheable = false;
    const done = copies.get(node);
    if (done !== undefined) return done;
    const proto = Object.getPrototypeOf(node);
    if (Array.isArray(node)) {
      if (proto !== Array.prototype) cacheable = false;
      const out: unknown[] = [];
      copies.set(node, out);
      for (const item of node) out.push(copy(item));
      return out;
    }
    if (proto !== Object.prototype && proto !== null) cacheable = false;
    const out = Object.create(proto) as Record<string, unknown>;
    copies.set(node, out);
    for (const [k, v] of Object.entries(node)) out[k] = copy(v);
    return out;
  };
  const kept = copy(tree);
  return cacheable ? kept : UNCACHEABLE;
}

/** A fresh copy of a kept parse with this request's values in its slots, sharing as the parse did. */
function fill(node: unknown, values: Record<string, AttributeValue>, copies: Map<object, unknown>): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (node instanceof ValueSlot) return values[node.name];
  const done = copies.get(node);
  if (done !== undefined) return done;
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    copies.set(node, out);
    for (const item of node) out.push(fill(item, values, copies));
    return out;
  }
  const out = Object.create(Object.getPrototypeOf(node)) as Record<string, unknown>;
  copies.set(node, out);
  for (const k of Object.keys(node)) out[k] = fill((node as Record<string, unknown>)[k], values, copies);
  return out;
}
