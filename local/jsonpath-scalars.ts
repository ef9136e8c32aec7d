import { JSONPath } from 'jsonpath-plus';

/**
 * aws-local-stepfunctions resolves every JSONPath of the ASL (InputPath, Parameters' `.$` fields,
 * ResultSelector, Choice variables, TimeoutSecondsPath, ...) with `JSONPath({ path, json, wrap: false })`.
 * jsonpath-plus answers a path that resolves to a single scalar by throwing a `NewError` carrying the
 * value from its constructor and catching it in the function call, so that the call can return a
 * non-object: an Error, with its stack trace captured, for each scalar path of each state of each
 * execution (about 3 % of the embedded stack's CPU). Nobody sees that error or its stack.
 *
 * This lowers `Error.stackTraceLimit` to 0 for exactly that construction: from the moment the
 * constructor's evaluation returns a scalar (the throw follows at once) until the NewError sets its
 * `avoidNew` flag, the first thing it does after its stack is taken. Every other error, the library's
 * own real ones (a bad path, a missing callback) included, keeps its stack. Values and errors are those
 * of jsonpath-plus unchanged.
 */

type Evaluate = (this: JSONPathInstance, ...args: unknown[]) => unknown;
interface JSONPathInstance {
  evaluate: Evaluate;
}
const proto = (JSONPath as unknown as { prototype: JSONPathInstance & { dunghanScalars?: boolean } }).prototype;

let saved: number | null = null;
function restore(): void {
  if (saved === null) return;
  Error.stackTraceLimit = saved;
  saved = null;
}

/** The class of the value-carrying error, which jsonpath-plus does not export: a `new` call rethrows it. */
function newErrorPrototype(): object | null {
  try {
    new (JSONPath as unknown as new (options: object) => unknown)({ path: '$.a', json: { a: 1 }, wrap: false });
  } catch (err) {
    if ((err as { avoidNew?: boolean }).avoidNew === true) return Object.getPrototypeOf(err) as object;
  }
  return null;
}

function isConstructorArgs(arg: unknown): boolean {
  if (typeof arg !== 'object' || arg === null) return false;
  const keys = Object.keys(arg);
  return keys.length <= 2 && keys[0] === 'path' && (keys.length === 1 || keys[1] === 'json');
}

if (!proto.dunghanScalars) {
  const errorProto = newErrorPrototype();
  // Another jsonpath-plus than the one this was written for (10.4): left as it is.
  if (errorProto && !Object.hasOwn(errorProto, 'avoidNew')) {
    Object.defineProperty(errorProto, 'avoidNew', {
      configurable: true,
      get: () => undefined,
      set(this: object, value: unknown) {
        restore();
        Object.defineProperty(this, 'avoidNew', { value, writable: true, enumerable: true, configurable: true });
      },
    });
    const evaluate = proto.evaluate;
    proto.evaluate = function (this: JSONPathInstance, ...args: unknown[]) {
      const result = evaluate.apply(this, args);
      // The constructor's own evaluation of a scalar: it passes one object of `path` and `json` alone.
      const fromConstructor = args.length === 1 && isConstructorArgs(args[0]);
      if (fromConstructor && (!result || typeof result !== 'object') && saved === null) {
        saved = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        // Should no NewError follow (evaluate called by hand with such an object), within this turn.
        queueMicrotask(restore);
      }
      return result;
    };
  }
  proto.dunghanScalars = true;
}
