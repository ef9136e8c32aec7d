import { readFileSync } from 'node:fs';

/** Bad command-line input: printed as one line naming the argument, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    readonly argument: string | null,
    message: string,
  ) {
    super(argument ? `${argument}: ${message}` : message);
  }
}

/** The text of a file named on the command line; an unreadable file is bad input naming the argument. */
export function readFileArgument(argument: string, file: string | undefined): string {
  if (!file) throw new UsageError(argument, 'is required');
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(argument, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}
