import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddyfiedHandler } from '@middy/core';
import type { Deps } from '../app/ports.ts';

/**
 * What a handler is built with: the logger and tracer, ready at module load (Powertools' middlewares
 * need them), and the dependencies, built on first use by the composition root (AWS or local).
 */
export interface HandlerRuntime {
  logger: Logger;
  /** On AWS only: locally there is no X-Ray daemon to send to. */
  tracer?: Tracer;
  deps: () => Deps;
}

/** The middlewares every handler starts with: the Lambda context in every log line, then the trace. */
// biome-ignore lint/suspicious/noExplicitAny: middy's handler type parameters vary per handler.
export function observed<H extends MiddyfiedHandler<any, any>>(runtime: HandlerRuntime, handler: H): H {
  handler.use(injectLambdaContext(runtime.logger, { resetKeys: true }));
  if (runtime.tracer) handler.use(captureLambdaHandler(runtime.tracer));
  return handler;
}
