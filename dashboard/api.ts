/// <reference lib="dom" />
import type { Session } from './auth.ts';

/** The API, on the same origin as the dashboard (CloudFront on AWS, `dunghan serve` locally), signed in. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; field?: string; reason?: string },
  ) {
    super(body.reason ? `${body.field ? `${body.field}: ` : ''}${body.reason}` : `HTTP ${status}`);
  }
}

export async function api<T>(
  session: Session,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const r = await fetch(path, {
    method: init.method ?? 'GET',
    headers: { ...session.headers, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const body = (await r.json()) as T & { error?: string; reason?: string };
  if (!r.ok) throw new ApiError(r.status, body);
  return body;
}

/** A CSV answer saved as a file (the request needs the sign-in header, so not a plain link). */
export async function downloadCsv(session: Session, path: string, filename: string): Promise<void> {
  const r = await fetch(path, { headers: session.headers });
  if (!r.ok) throw new ApiError(r.status, {});
  const url = URL.createObjectURL(await r.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}
