import { LogRecord, type LogFieldValue } from '../../common/log-record';

/** Why a request was not authenticated (never anything of the token itself). */
export type AuthFailureReason =
  'no bearer token' | 'malformed bearer credentials' | 'invalid token';

export interface AuthFailure {
  /** The client address (proxy-aware), or `unknown`. */
  readonly client: string;
  readonly method: string;
  /** The route pattern that matched (`/admin/api/v1/domains/:name`), never the raw path. */
  readonly route: string;
  readonly reason: AuthFailureReason;
}

/** The WARNING line of one failed authentication. */
export class AuthFailureRecord extends LogRecord {
  constructor(private readonly failure: AuthFailure) {
    super();
  }

  fields(): Readonly<Record<string, LogFieldValue>> {
    const { client, method, route, reason } = this.failure;
    return { event: 'admin_auth_failed', client, method, route, reason };
  }

  text(): string {
    const { client, method, route, reason } = this.failure;
    return `admin authentication failed: ${client} ${method} ${route}: ${reason}`;
  }
}

/** The WARNING line when a client has used up its failures: one per client and window. */
export class AuthBlockedRecord extends LogRecord {
  constructor(
    private readonly client: string,
    private readonly failures: number,
    private readonly retryAfterSeconds: number,
  ) {
    super();
  }

  fields(): Readonly<Record<string, LogFieldValue>> {
    return {
      event: 'admin_auth_blocked',
      client: this.client,
      failures: this.failures,
      retry_after: this.retryAfterSeconds,
    };
  }

  text(): string {
    return (
      `admin authentication: ${this.client} failed ${this.failures} times; its requests ` +
      `are refused (429) for ${this.retryAfterSeconds} s`
    );
  }
}

/** The line of a token file (re)loaded: written at every level, like the audit trail. */
export class TokensLoadedRecord extends LogRecord {
  constructor(
    private readonly file: string,
    private readonly tokens: number,
    /** The file does not exist (no token is accepted). */
    private readonly missing: boolean,
  ) {
    super();
  }

  override get everyLevel(): boolean {
    return true;
  }

  fields(): Readonly<Record<string, LogFieldValue>> {
    return {
      event: 'admin_tokens_loaded',
      file: this.file,
      tokens: this.tokens,
      state: this.missing ? 'missing' : 'read',
    };
  }

  text(): string {
    if (this.missing) {
      return `admin tokens: none in effect, ${this.file} does not exist (automx2-nest token create NAME)`;
    }
    return `admin tokens: ${this.tokens} in effect from ${this.file}`;
  }
}
