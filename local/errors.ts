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
