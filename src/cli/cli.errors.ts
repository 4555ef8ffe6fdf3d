/** Exit code for configuration problems, as `serve` uses (src/bootstrap/serve.ts). */
export const EXIT_CONFIG_ERROR = 2;

/** A command failed in a way the operator can act on; `exitCode` is the process's. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
