import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TransientError } from '../../functions/app/errors.ts';
import { LOCAL_PROVINCE } from '../../functions/app/identity.ts';
import { makePlan } from '../../functions/handlers/tasks.ts';
import { apiGatewayEvent } from '../../local/api-event.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { PROVINCE, received } from '../support/events.ts';

/**
 * The handlers as middy chains: Powertools puts the Lambda context in every log line; the Powertools
 * parser refuses a task input with the workflow's error name; transient store errors become
 * Dunghan.Transient for the ASL's Retry; the API maps domain errors in one place.
 */
describe('handlers on middy with Powertools', () => {
  let stack: LocalStack;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({ simulatedStart: Date.parse('2026-03-02T08:00:00+07:00'), logLevel: 'INFO' });
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a log line
        }
      }
      return true;
    }) as typeof process.stdout.write);
    for (const u of PROVINCE) await stack.request('POST', '/events', JSON.stringify(u));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await stack?.close();
  });

  it('logs with the request id and cold start of the invocation', async () => {
    const event = received('H-1', '2026-03-02T08:00:00+07:00', '5 working days', [[['work', 'xa', '3 working days']]]);
    expect((await stack.request('POST', '/events', JSON.stringify(event))).statusCode).toBe(202);
    const ingested = lines.find((l) => l.message === 'event ingested' && l.dossierId === 'H-1');
    // One process runs every local handler on one logger, so the context is the latest invocation's
    // (the API's, or the Plan it started); on AWS each function is its own process.
    expect(ingested).toMatchObject({
      function_name: expect.stringMatching(/^dunghan-local/),
      cold_start: expect.any(Boolean),
    });
    expect(String(ingested?.function_request_id)).toMatch(/^local/);
  });

  it('refuses a task input that does not match its schema, naming the field, as Dunghan.InvalidInput', async () => {
    const plan = makePlan({ logger: stack.deps.logger as never, deps: () => stack.deps });
    const refused = await plan({ dossierId: 'H-1', extra: 1 } as never, {} as never).catch((e: unknown) => e as Error);
    expect(refused).toMatchObject({ name: 'Dunghan.InvalidInput' });
    expect((refused as Error).message).toMatch(/unrecognized key|extra/i);
  });

  it('turns a throttled store call into Dunghan.Transient, which the ASL retries', async () => {
    const deps = { ...stack.deps, store: { ...stack.deps.store, events: { ...stack.deps.store.events } } };
    deps.store.events.ofDossier = async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    };
    const plan = makePlan({ logger: stack.deps.logger as never, deps: () => deps });
    const failed = await plan({ dossierId: 'H-1' }, {} as never).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TransientError);
    expect((failed as Error).message).toBe('ThrottlingException: Rate exceeded');
  });

  it('answers refusals with the field and reason, unknown routes with 404, and never leaks internals', async () => {
    // Signed in as the provincial office (the read routes need a verified user).
    const api = (method: string, path: string, body: string | null) =>
      stack.invokeApi(apiGatewayEvent(method, path, body, { identity: LOCAL_PROVINCE }));
    expect(await api('POST', '/events', '{')).toMatchObject({
      statusCode: 400,
      body: expect.stringContaining('"field":"(body)"'),
    });
    expect((await api('GET', '/nowhere', null)).statusCode).toBe(404);
    expect(JSON.parse((await api('GET', '/dossiers/NOPE', null)).body)).toEqual({
      error: 'not_found',
      reason: 'dossier NOPE is not known',
    });
    expect((await stack.invokeApi(apiGatewayEvent('GET', '/dossiers/NOPE', null))).statusCode).toBe(401);
  });
});
