import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { DVCQG_SERVICES } from '../../functions/schemas/dvcqg.ts';
import { readFileArgument, UsageError } from '../errors.ts';

/**
 * `dunghan send <events.ndjson> --url <ApiUrl>`: posts events to the deployed intake API, signed with
 * SigV4 from the usual AWS credentials (environment, profile, SSO). One line of output per event. A
 * line of a national-portal feed export (`{"at", "service", "body"}`, as `replay --format dvcqg` reads)
 * posts its body to /dvcqg/<service>.
 */
export const sendCommand = {
  summary: 'send events from an NDJSON file to the deployed intake API, signed with your AWS credentials',
  usage: 'dunghan send <events.ndjson> --url <ApiUrl output> [--region <region>]',
  options: {
    url: { type: 'string' },
    region: { type: 'string' },
  },
  async run(values: Record<string, unknown>, positionals: string[]): Promise<void> {
    const text = readFileArgument('<events.ndjson>', positionals[0]);
    if (typeof values.url !== 'string') throw new UsageError('--url', 'is required (the ApiUrl output of the stack)');
    let base: URL;
    try {
      base = new URL(values.url.endsWith('/') ? values.url : `${values.url}/`);
    } catch {
      throw new UsageError('--url', `"${values.url}" is not a URL`);
    }
    const region =
      typeof values.region === 'string'
        ? values.region
        : (/execute-api\.([a-z0-9-]+)\.amazonaws/.exec(base.host)?.[1] ?? process.env.AWS_REGION);
    if (!region) throw new UsageError('--region', 'is required when the URL does not name one');
    const signer = new SignatureV4({ service: 'execute-api', region, credentials: defaultProvider(), sha256: Sha256 });
    for (const line of text.split('\n').filter((l) => l.trim())) {
      const { target, body } = destination(base, line);
      const request = new HttpRequest({
        method: 'POST',
        protocol: target.protocol,
        hostname: target.hostname,
        path: target.pathname,
        headers: { host: target.hostname, 'content-type': 'application/json' },
        body,
      });
      const signed = await signer.sign(request);
      const response = await fetch(target, { method: 'POST', headers: signed.headers, body });
      console.log(`${response.status} ${await response.text()}`);
    }
  },
} as const;

/** Where a line goes: a feed call to its service's route with its body, anything else to /events as it is. */
function destination(base: URL, line: string): { target: URL; body: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { target: new URL('events', base), body: line };
  }
  const call = parsed as { service?: unknown; body?: unknown } | null;
  if (call && typeof call === 'object' && DVCQG_SERVICES.includes(call.service as (typeof DVCQG_SERVICES)[number]))
    return { target: new URL(`dvcqg/${call.service as string}`, base), body: JSON.stringify(call.body ?? null) };
  return { target: new URL('events', base), body: line };
}
