import { InvalidInstantError, parseInstant } from '../../functions/core/instant.ts';
import { loadCatalogue, loadFeedSettings, ReferenceDataError } from '../../functions/reference/data.ts';
import { readFileArgument, UsageError } from '../errors.ts';
import { type ReplayResult, replay } from '../replay.ts';

/**
 * `dunghan replay <events.ndjson> [--format native|dvcqg] [--catalogue <id>] [--feed <id>] [--until <ISO>] [--json]`.
 * dvcqg: an export of the national portal's feed (docs/law.md §7), lines `{"at", "service", "body"}` or events.
 */
export const replayCommand = {
  summary: 'replay an NDJSON file of events on the local stack in simulated time and report what happened',
  usage:
    'dunghan replay <events.ndjson> [--format native|dvcqg] [--catalogue <id>] [--feed <id>] [--until <ISO-8601 with offset>] [--json]',
  options: {
    until: { type: 'string' },
    json: { type: 'boolean' },
    format: { type: 'string' },
    catalogue: { type: 'string' },
    feed: { type: 'string' },
  },
  async run(values: Record<string, unknown>, positionals: string[]): Promise<void> {
    const text = readFileArgument('<events.ndjson>', positionals[0]);
    let until: number | undefined;
    if (typeof values.until === 'string') {
      try {
        until = parseInstant(values.until);
      } catch (err) {
        if (err instanceof InvalidInstantError) throw new UsageError('--until', err.message);
        throw err;
      }
    }
    const format = values.format ?? 'native';
    if (format !== 'native' && format !== 'dvcqg') throw new UsageError('--format', 'must be native or dvcqg');
    const stack = {
      ...(typeof values.catalogue === 'string'
        ? { catalogue: reference('--catalogue', values.catalogue, loadCatalogue) }
        : {}),
      ...(typeof values.feed === 'string' ? { feed: reference('--feed', values.feed, loadFeedSettings) } : {}),
    };
    const result = await replay({ lines: text.split('\n'), format, stack, ...(until === undefined ? {} : { until }) });
    console.log(values.json ? JSON.stringify(result) : summarise(result));
  },
} as const;

/** A reference data id, checked before the stack starts: a typo is a usage error naming the known ids. */
function reference(option: string, id: string, load: (id: string) => unknown): string {
  try {
    load(id);
    return id;
  } catch (err) {
    if (err instanceof ReferenceDataError) throw new UsageError(option, err.message);
    throw err;
  }
}

function summarise(r: ReplayResult): string {
  const out: string[] = [];
  out.push(`${r.dossiers.length} dossiers, ${r.notices.length} notices, ${r.rejected.length} events rejected`);
  out.push('', 'dossier      status       due                        outcome   late(min) at fault');
  for (const d of r.dossiers) {
    out.push(
      `${d.dossierId.padEnd(12)} ${d.status.padEnd(12)} ${(d.dueAt ?? '-').padEnd(26)} ${(d.outcome ?? '-').padEnd(9)} ${String(d.minutesLate ?? '-').padEnd(9)} ${d.responsibleUnitId ?? ''}`,
    );
  }
  out.push('', 'notices:');
  for (const n of r.notices) {
    const status = n.status === 'sent' ? '' : ` [${n.status}${n.reason ? `: ${n.reason}` : ''}]`;
    const parts = n.parts ? ` (${n.parts} SMS part${n.parts > 1 ? 's' : ''})` : '';
    out.push(
      `  ${n.at ?? '(waiting)'} ${n.kind}${n.rung ? ` rung ${n.rung}` : ''} -> ${n.unitId} ${n.to ?? ''}${status}${parts}\n    ${n.text ?? ''}`,
    );
  }
  out.push('', 'rejected:');
  for (const x of r.rejected) out.push(`  ${x.eventId ?? '(no id)'}: ${x.reason}`);
  if (r.findings) {
    out.push('', 'findings:');
    for (const f of r.findings)
      out.push(
        f.kind === 'due.mismatch'
          ? `  ${f.dossierId} due.mismatch: the feed's NgayHenTra ${f.feedDueAt}, the law's due ${f.dueAt} (${f.workingMinutes > 0 ? '+' : ''}${f.workingMinutes} working minutes)`
          : `  ${f.dossierId} unit.unmapped: ${f.field} "${f.name}" (${f.reason}); attributed to ${f.attributedTo ?? 'no unit'}`,
      );
  }
  const s = r.stats;
  out.push(
    '',
    `executions ${s.executions}, state transitions ${s.stateTransitions}, Lambda invocations ${s.lambdaInvocations}, store reads ${s.storeReads}, writes ${s.storeWrites}`,
  );
  return out.join('\n');
}
