import { UsageError } from '../bootstrap/cli-args';
import { loadCliConfig } from './cli-context';
import { CliError } from './cli.errors';
import { parseCommandArgs, stringOption, type CommandArgs } from './command-args';

const ACTIONS = 'create NAME, list or revoke NAME';

/**
 * `token create NAME | list | revoke NAME [--file FILE]`: the admin API's tokens, in
 * `--file` or else the configuration's `admin_tokens_file`. `create` prints the new
 * token on stdout, once: the file keeps only a hash of it. Running servers pick up
 * every change within 10 seconds.
 */
export async function runToken(argv: readonly string[]): Promise<void> {
  const [action, ...rest] = argv;
  const options = { file: { type: 'string' as const } };
  switch (action) {
    case 'create': {
      const args = parseCommandArgs('token create', rest, options, { min: 1, max: 1 });
      return create(args, args.positionals[0] ?? '');
    }
    case 'list':
      return list(parseCommandArgs('token list', rest, options, { min: 0, max: 0 }));
    case 'revoke': {
      const args = parseCommandArgs('token revoke', rest, options, { min: 1, max: 1 });
      return revoke(args, args.positionals[0] ?? '');
    }
    case undefined:
      throw new UsageError(`token: missing action (${ACTIONS})`);
    default:
      throw new UsageError(`token: unknown action ${JSON.stringify(action)} (${ACTIONS})`);
  }
}

async function create(args: CommandArgs, name: string): Promise<void> {
  const { isTokenName, TOKEN_NAME_RULE } = await import('../admin/auth/admin-token');
  if (!isTokenName(name)) {
    throw new UsageError(`token create: ${JSON.stringify(name)}: a name is ${TOKEN_NAME_RULE}`);
  }
  const file = tokenFile(args);
  if (file === null) return;
  const { createToken } = await import('../admin/auth/token-file');
  const token = await changing(() => createToken(file, name));
  process.stdout.write(`${token}\n`);
  process.stderr.write(
    `created token "${name}" in ${file}. It is shown only this once (the file keeps only a ` +
      'hash of it); running servers accept it within 10 seconds.\n',
  );
}

async function list(args: CommandArgs): Promise<void> {
  const file = tokenFile(args);
  if (file === null) return;
  const { listTokens } = await import('../admin/auth/token-file');
  const tokens = await changing(() => listTokens(file));
  if (tokens.length === 0) {
    process.stderr.write(`no tokens in ${file}\n`);
    return;
  }
  const width = Math.max(...tokens.map(({ name }) => name.length));
  process.stdout.write(
    tokens.map(({ name, created }) => `${name.padEnd(width)}  ${created}\n`).join(''),
  );
}

async function revoke(args: CommandArgs, name: string): Promise<void> {
  const file = tokenFile(args);
  if (file === null) return;
  const { revokeToken } = await import('../admin/auth/token-file');
  if (!(await changing(() => revokeToken(file, name)))) {
    throw new CliError(`no token named ${JSON.stringify(name)} in ${file}`);
  }
  process.stderr.write(
    `revoked token "${name}" in ${file}; running servers refuse it within 10 seconds.\n`,
  );
}

/**
 * `--file`, else `admin_tokens_file`; null (exit 2 set, the problems written) when the
 * configuration has problems. No file at all is a usage error.
 */
function tokenFile(args: CommandArgs): string | null {
  const option = stringOption(args, 'file');
  if (option !== undefined) {
    if (option.trim() === '') throw new UsageError('token: --file needs a file name');
    return option;
  }
  const loaded = loadCliConfig();
  if (loaded === null) return null;
  const file = loaded.config.admin.tokensFile;
  if (file === null) {
    throw new UsageError(
      'token: no token file: set admin_tokens_file in the configuration ' +
        `(${loaded.config.sourceFile ?? 'none found'}) or pass --file FILE`,
    );
  }
  return file;
}

/** Runs a token file operation; its TokenFileError becomes the command's error (exit 1). */
async function changing<T>(operation: () => Promise<T>): Promise<T> {
  const { TokenFileError } = await import('../admin/auth/token-file-format');
  try {
    return await operation();
  } catch (error) {
    if (error instanceof TokenFileError) throw new CliError(error.message);
    throw error;
  }
}
