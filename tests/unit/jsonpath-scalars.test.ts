import { JSONPath } from 'jsonpath-plus';
import { describe, expect, it } from 'vitest';
import '../../local/jsonpath-scalars.ts';

// The local engine's JSONPath calls: the same values as jsonpath-plus gives, scalar paths without a stack
// trace for the error jsonpath-plus throws and catches itself, every other error with its stack, and the
// process's stack trace limit left as it was.
const json = { Payload: { dossierId: 'D-1', timeoutSeconds: 60, open: false, none: null, steps: [{ id: 'a' }] } };
const jp = (path: string, from: unknown = json) => JSONPath({ path, json: from as object, wrap: false });

describe('JSONPath as the local engine calls it', () => {
  it('gives the values of single paths, scalars, objects and missing ones alike', () => {
    expect(jp('$.Payload.dossierId')).toBe('D-1');
    expect(jp('$.Payload.timeoutSeconds')).toBe(60);
    expect(jp('$.Payload.open')).toBe(false);
    expect(jp('$.Payload.none')).toBeNull();
    expect(jp('$.Payload.missing')).toBeUndefined();
    expect(jp('$.Payload.steps')).toEqual([{ id: 'a' }]);
    expect(jp('$.Payload.steps[0]')).toEqual({ id: 'a' });
    expect(jp('$.Payload.steps[*].id')).toEqual(['a']);
    expect(jp('$')).toBe(json);
    expect(Error.stackTraceLimit).toBe(10);
  });

  it('takes no stack for the scalar’s carrier error, and leaves the limit as it was', () => {
    const carrier = (() => {
      try {
        new (JSONPath as unknown as new (o: object) => unknown)({ path: '$.Payload.dossierId', json, wrap: false });
      } catch (e) {
        return e as Error & { avoidNew: boolean; value: unknown };
      }
    })();
    expect(carrier).toMatchObject({ name: 'NewError', avoidNew: true, value: 'D-1' });
    expect(carrier?.stack?.split('\n')).toHaveLength(1);
    expect(Error.stackTraceLimit).toBe(10);
    expect(new Error('after').stack?.split('\n').length).toBeGreaterThan(1);
  });

  it('leaves evaluate as it is when called by hand', () => {
    const path = new (JSONPath as unknown as new (o: object) => { evaluate(o: object): unknown })({
      autostart: false,
      wrap: false,
    });
    expect(path.evaluate({ path: '$.Payload.dossierId', json, wrap: false })).toBe('D-1');
    expect(Error.stackTraceLimit).toBe(10);
  });

  it('keeps the stack of real errors, the library’s own included', () => {
    const thrown = (() => {
      try {
        JSONPath({ path: '$..[?(@.id ===)]', json, wrap: false });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown?.stack?.split('\n').length).toBeGreaterThan(1);
    expect(Error.stackTraceLimit).toBe(10);
  });
});
