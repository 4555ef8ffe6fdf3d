import type { AppConfig } from '../../config/app-config';
import { readFileBytes } from './file-bytes';
import { parseTokenBytes } from './token-file';
import { MAX_TOKEN_FILE_BYTES, TokenFileError } from './token-file-format';

/** What start-up (and check-config) finds about the token file. */
export interface TokenFileCheck {
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Reads `admin_tokens_file` as the server will: a file that cannot be read or parsed is
 * a problem (start-up refuses it); a missing one is a warning (no token is accepted
 * until `automx2-nest token create` writes it).
 */
export async function checkTokenFile(
  config: Pick<AppConfig, 'sourceFile' | 'admin'>,
): Promise<TokenFileCheck> {
  const path = config.admin.tokensFile;
  if (path === null) return { problems: [], warnings: [] };
  const where = tokenFileWhere(config.sourceFile, path);
  try {
    const read = await readFileBytes(path, MAX_TOKEN_FILE_BYTES);
    if (read.kind === 'missing') {
      return {
        problems: [],
        warnings: [
          `${where}: does not exist yet; no admin token is accepted until ` +
            '"automx2-nest token create NAME" writes it',
        ],
      };
    }
    parseTokenBytes(path, read.bytes);
    return { problems: [], warnings: [] };
  } catch (error) {
    return { problems: [tokenFileProblem(where, error)], warnings: [] };
  }
}

/** A token file problem as start-up reports it: `<config file>: admin_tokens_file = "…": why`. */
export function tokenFileProblem(where: string, error: unknown): string {
  const reason = error instanceof TokenFileError ? error.reason : (error as Error).message;
  return `${where}: ${reason}`;
}

/** The `where` of tokenFileProblem for a configuration. */
export function tokenFileWhere(sourceFile: string | null, tokensFile: string): string {
  return `${sourceFile ?? 'configuration'}: admin_tokens_file = ${JSON.stringify(tokensFile)}`;
}
