import { parseArgs } from 'node:util';
import { UsageError } from '../bootstrap/cli-args';

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

export interface CommandArgs {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: readonly string[];
}

/**
 * Parses one command's arguments strictly: unknown options and a wrong number of
 * positional arguments are usage errors (exit 2 with the usage text).
 */
export function parseCommandArgs(
  command: string,
  argv: readonly string[],
  options: OptionSpec,
  positionals: { readonly min: number; readonly max: number },
): CommandArgs {
  let parsed: CommandArgs;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min) throw new UsageError(`${command}: missing argument`);
  if (count > positionals.max) {
    throw new UsageError(
      `${command}: unexpected argument "${parsed.positionals[positionals.max] ?? ''}"`,
    );
  }
  return parsed;
}

/** A string option's value, or undefined. */
export function stringOption(args: CommandArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}
