/**
 * An error the user can act on: printed as its message alone (no stack), exiting with `code`.
 * 2 = bad input (experiment, formula, CSV), 3 = environment (Python, set-up), 1 = run failures.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
