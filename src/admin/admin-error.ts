/** One problem of a refused body: the field's path (`servers[0].port`) and what is wrong. */
export interface FieldProblem {
  readonly field: string;
  readonly error: string;
}

export interface AdminErrorOptions {
  /** Every problem of a refused body, first one first (the answer's `field` is the first's). */
  readonly problems?: readonly FieldProblem[];
  /** Extra answer headers (WWW-Authenticate, Retry-After, Allow). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * An error of the admin API with its HTTP status. The admin exception filter answers it
 * as short JSON: `{"error": message}`, plus `field` and `problems` for refused bodies.
 * Messages are safe to show: never a token, a hash or a stored password.
 */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly options: AdminErrorOptions = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
