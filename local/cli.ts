import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, unknown>, positionals: string[]): Promise<void> | void;
}

/**
 * Each command's module is imported only when that command runs: `due` and `--help` do not load the
 * local stack, the engine or the AWS SDK (the start of `dunghan due` is most of its time). The
 * summaries for `--help` are therefore repeated here; tests/unit/cli-bin.test.ts checks that they
 * are the modules' own.
 */
export const COMMANDS: Record<string, { summary: string; load(): Promise<Command> }> = {
  due: {
    summary: 'compute a statutory due instant (working days or hours, holidays, pauses)',
    load: async () => (await import('./commands/due.ts')).dueCommand,
  },
  demo: {
    summary: 'show the dossier clock at work on a few cases (Tết, make-up Saturday, pauses, a new holiday)',
    load: async () => (await import('./commands/demo.ts')).demoCommand,
  },
  replay: {
    summary: 'replay an NDJSON file of events on the local stack in simulated time and report what happened',
    load: async () => (await import('./commands/replay.ts')).replayCommand,
  },
  serve: {
    summary: 'run the local stack on real time with its API on 127.0.0.1, signed in as a development identity',
    load: async () => (await import('./commands/serve.ts')).serveCommand,
  },
  send: {
    summary: 'send events from an NDJSON file to the deployed intake API, signed with your AWS credentials',
    load: async () => (await import('./commands/send.ts')).sendCommand,
  },
  simulate: {
    summary: 'simulate a province season (Đắk Lắk, synthetic) on the local stack and report per unit',
    load: async () => (await import('./commands/simulate.ts')).simulateCommand,
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return [
    'usage: dunghan <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'dunghan <command> --help for its options',
  ].join('\n');
}

/** Runs the command line; returns the exit code (0 ok, 1 internal error, 2 bad input). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    console.error(`dunghan: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(`usage: ${command.usage}`);
      return 0;
    }
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: attachValues(rest, command.options),
        options: command.options,
        strict: true,
        allowPositionals: true,
      });
    } catch (err) {
      // node:util's message, cut to its first sentence: "Unknown option '--bogus'".
      throw new UsageError(null, (err as Error).message.split(/\.\s/)[0] ?? 'bad arguments');
    }
    await command.run(parsed.values, parsed.positionals);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`dunghan ${name}: ${err.message}`);
      return 2;
    }
    // An unexpected failure: one line, no stack trace unless asked for.
    console.error(`dunghan ${name}: internal error: ${(err as Error).message ?? String(err)}`);
    if (process.env.DUNGHAN_DEBUG) console.error(err);
    return 1;
  }
}

/**
 * `--limit "-3 working days"`: node:util reads a value starting with "-" as a missing value. Attach it
 * (`--limit=-3 working days`) so that the value is validated and refused with its own reason.
 */
function attachValues(args: string[], options: Command['options']): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const option = arg.startsWith('--') ? options[arg.slice(2)] : undefined;
    if (
      option?.type === 'string' &&
      next !== undefined &&
      next.startsWith('-') &&
      !(next.slice(2) in options && next.startsWith('--'))
    ) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
