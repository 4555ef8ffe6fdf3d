import { createHash, randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Logger, type LoggerService, type OnModuleDestroy } from '@nestjs/common';
import { parseToken, type TokenParts } from './admin-token';
import { TokensLoadedRecord } from './auth-log-records';
import { fileErrorReason, readFileBytes, readFileBytesSync, type FileBytes } from './file-bytes';
import { parseTokenBytes } from './token-file';
import { MAX_TOKEN_FILE_BYTES, TokenFileError, type LoadedToken } from './token-file-format';
import { hashSecret, secretMatches, type ScryptHash } from './token-hash';

/** How often the file is checked for changes; revocations apply within this (plus a read). */
export const TOKEN_POLL_MS = 2000;

/** Most successful verifications remembered (then the memory starts afresh). */
const MAX_VERIFIED = 1024;

/** What checking the file found. */
export type RefreshOutcome =
  | { readonly kind: 'unchanged' }
  /** New tokens are in effect (also after a problem was resolved). */
  | { readonly kind: 'reloaded'; readonly tokens: number; readonly missing: boolean }
  /** The file cannot be used; the tokens read before stay in effect. */
  | {
      readonly kind: 'kept';
      readonly problem: string;
      readonly tokens: number;
      /** The same problem was reported by the previous check already. */
      readonly repeated: boolean;
    };

export interface TokenStoreOptions {
  readonly pollMs?: number;
  readonly log?: Pick<LoggerService, 'log' | 'warn'>;
  /** How a secret is checked against a hash (tests count the calls). */
  readonly matches?: (secret: string, hash: ScryptHash) => Promise<boolean>;
}

/**
 * The tokens of `admin_tokens_file`, kept current without a restart: the file is
 * checked every 2 s (stat, then the content's SHA-256 when the stat changed; the path
 * is followed each time, as Kubernetes swaps a Secret's symlinks) and re-read on SIGHUP
 * (refreshSync, from the reloadable). A missing file means no tokens; a file that cannot
 * be read or parsed keeps the tokens in effect and is reported once, not at every check.
 *
 * verify() costs one scrypt per token it has not seen succeed, also for unknown ids
 * (against a dummy hash), so answers take as long for any token of the right shape.
 * Successful verifications are remembered by the token's SHA-256 until the next reload,
 * so a revocation applies at the next check of the file.
 */
export class TokenStore implements OnModuleDestroy {
  private tokens: ReadonlyMap<string, LoadedToken> = new Map();
  /** Bumped by every reload: verifications that straddle one are not remembered. */
  private generation = 0;
  private readonly verified = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<string | null>>();
  /** The stat of the file last read, and the SHA-256 of the content now in effect. */
  private statKey: string | null = null;
  private contentHash: string | null = null;
  private lastProblem: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private readonly log: Pick<LoggerService, 'log' | 'warn'>;
  private readonly matches: (secret: string, hash: ScryptHash) => Promise<boolean>;

  private constructor(
    readonly path: string,
    private readonly dummy: ScryptHash,
    options: TokenStoreOptions,
  ) {
    this.log = options.log ?? new Logger('AdminAuth');
    this.matches = options.matches ?? secretMatches;
  }

  /**
   * Reads the file and starts watching it. A file that cannot be used throws
   * TokenFileError (start-up refuses it); a missing one gives no tokens.
   */
  static async open(path: string, options: TokenStoreOptions = {}): Promise<TokenStore> {
    // Same parameters as new tokens, so an unknown id costs what a known one does.
    const dummy = await hashSecret(randomBytes(32).toString('base64url'));
    const store = new TokenStore(path, dummy, options);
    const read = await readFileBytes(path, MAX_TOKEN_FILE_BYTES).catch((error: Error) => {
      throw new TokenFileError(error.message, path);
    });
    const outcome = store.take(read);
    if (outcome.kind === 'kept') throw new TokenFileError(outcome.problem, path);
    store.log.log(new TokensLoadedRecord(path, store.size, read.kind === 'missing'));
    const interval = options.pollMs ?? TOKEN_POLL_MS;
    store.timer = setInterval(() => void store.poll(), interval);
    // The check must not keep a process alive that is otherwise done.
    store.timer.unref();
    return store;
  }

  /** Tokens in effect. */
  get size(): number {
    return this.tokens.size;
  }

  /** The name of the token, or null when it is not one in effect. */
  async verify(token: string): Promise<string | null> {
    const parts = parseToken(token);
    // Not shaped like a token at all: nothing secret to compare, so no scrypt.
    if (parts === null) return null;
    const key = createHash('sha256').update(token).digest('base64url');
    const known = this.verified.get(key);
    if (known !== undefined) return known;
    // Concurrent requests with one token share one scrypt.
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.check(parts, key).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async check(parts: TokenParts, key: string): Promise<string | null> {
    const generation = this.generation;
    const entry = this.tokens.get(parts.id);
    const matches = await this.matches(parts.secret, entry?.scrypt ?? this.dummy);
    if (entry === undefined || !matches) return null;
    if (generation !== this.generation) {
      // Reloaded meanwhile: valid only if the token is still in the file as it was.
      return this.tokens.get(parts.id)?.hash === entry.hash ? entry.name : null;
    }
    if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
    this.verified.set(key, entry.name);
    return entry.name;
  }

  /** Checks the file now (the timer's work); re-reads only when its stat changed. */
  async refresh(): Promise<RefreshOutcome> {
    try {
      const now = statKeyOf(await stat(this.path).catch(missingStat));
      if (now === this.statKey) return { kind: 'unchanged' };
      return this.take(await readFileBytes(this.path, MAX_TOKEN_FILE_BYTES));
    } catch (error) {
      return this.problem(reasonOf(error));
    }
  }

  /** Re-reads the file now, whatever its stat (SIGHUP: the operator asked). */
  refreshSync(): RefreshOutcome {
    try {
      return this.take(readFileBytesSync(this.path, MAX_TOKEN_FILE_BYTES));
    } catch (error) {
      return this.problem(reasonOf(error));
    }
  }

  onModuleDestroy(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const outcome = await this.refresh();
      if (outcome.kind === 'reloaded') {
        this.log.log(new TokensLoadedRecord(this.path, outcome.tokens, outcome.missing));
      } else if (outcome.kind === 'kept' && !outcome.repeated) {
        this.log.warn(
          `admin_tokens_file ${this.path}: ${outcome.problem}; the ${outcome.tokens} ` +
            'tokens read before stay in effect',
        );
      }
    } finally {
      this.polling = false;
    }
  }

  /** Puts what was read into effect, unless it is what is in effect already. */
  private take(read: FileBytes): RefreshOutcome {
    const missing = read.kind === 'missing';
    const statKey = missing ? MISSING : statKeyOf(read.stat);
    const bytes = missing ? Buffer.alloc(0) : read.bytes;
    const hash = `${missing ? 'missing' : 'file'}:${createHash('sha256').update(bytes).digest('hex')}`;
    const hadProblem = this.lastProblem !== null;
    if (hash === this.contentHash && !hadProblem) {
      this.statKey = statKey;
      return { kind: 'unchanged' };
    }
    let tokens: LoadedToken[];
    try {
      tokens = missing ? [] : parseTokenBytes(this.path, bytes);
    } catch (error) {
      // Not read again until it changes; the problem is reported once.
      this.statKey = statKey;
      return this.problem(reasonOf(error));
    }
    this.statKey = statKey;
    this.lastProblem = null;
    if (hash !== this.contentHash) {
      this.tokens = new Map(tokens.map((token) => [token.id, token]));
      this.contentHash = hash;
      this.generation += 1;
      this.verified.clear();
    }
    return { kind: 'reloaded', tokens: this.tokens.size, missing };
  }

  private problem(problem: string): RefreshOutcome {
    const repeated = problem === this.lastProblem;
    this.lastProblem = problem;
    return { kind: 'kept', problem, tokens: this.tokens.size, repeated };
  }
}

const MISSING = 'missing';

/** What identifies one version of the file without reading it. */
function statKeyOf(stats: Stats | null): string {
  if (stats === null) return MISSING;
  return [stats.dev, stats.ino, stats.size, stats.mtimeMs, stats.ctimeMs].join(':');
}

function missingStat(error: NodeJS.ErrnoException): null {
  if (error.code === 'ENOENT') return null;
  throw error;
}

function reasonOf(error: unknown): string {
  if (error instanceof TokenFileError) return error.reason;
  if ((error as NodeJS.ErrnoException).code !== undefined) return fileErrorReason(error);
  return error instanceof Error ? error.message : String(error);
}
