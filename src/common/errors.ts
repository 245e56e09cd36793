/**
 * An error whose message is meant for the user: one actionable line, printed without a stack.
 * Everything the CLI and the extension show to people about bad input goes through this.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** Process exit code for the CLI. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
