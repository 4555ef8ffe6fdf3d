import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { hostName } from '../../cli/dns-records';
import { CheckTimeout, describeError, withTimeout } from './bounded';

/** Where a host name led: its addresses, or why there are none. */
export type Resolution =
  | { readonly ok: true; readonly addresses: readonly string[] }
  | { readonly ok: false; readonly reason: string };

export interface SrvAnswer {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
}

/** A DNS lookup that failed; `missing` when the name or record type does not exist. */
export class LookupFailure extends Error {
  constructor(
    message: string,
    readonly missing: boolean,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** CNAME hops followed when an answer holds the CNAME alone. */
const MAX_CNAME_HOPS = 8;
const MISSING_CODES = new Set(['ENOTFOUND', 'ENODATA', 'NOTFOUND', 'NODATA']);

/**
 * The live checks' view of DNS: one node:dns Resolver (one try, the checks' timeout,
 * the configured servers), every lookup bounded, host lookups shared between checks.
 */
export class LiveResolver {
  private readonly resolver: dns.Resolver;
  private readonly hosts = new Map<string, Promise<Resolution>>();

  /** Throws for a server list node:dns does not accept. */
  constructor(
    servers: readonly string[] | null,
    private readonly timeoutMs: number,
  ) {
    this.resolver = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
    if (servers !== null && servers.length > 0) this.resolver.setServers([...servers]);
  }

  /** The addresses of a host (A and AAAA, through CNAMEs); an IP address is itself. */
  resolveHost(host: string): Promise<Resolution> {
    const name = bare(host);
    let pending = this.hosts.get(name);
    if (!pending) {
      pending = this.lookupHost(name);
      this.hosts.set(name, pending);
    }
    return pending;
  }

  /** Ends every lookup in flight (they fail); for a run that ran out of time. */
  cancel(): void {
    this.resolver.cancel();
  }

  async srv(name: string): Promise<SrvAnswer[]> {
    return this.query(name, 'SRV', () => this.resolver.resolveSrv(name));
  }

  async mx(name: string): Promise<{ exchange: string; priority: number }[]> {
    return this.query(name, 'MX', () => this.resolver.resolveMx(name));
  }

  private async lookupHost(name: string): Promise<Resolution> {
    if (isIP(name)) return { ok: true, addresses: [name] };
    let current = name;
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      const [v4, v6] = await Promise.allSettled([
        this.query(current, 'A', () => this.resolver.resolve4(current)),
        this.query(current, 'AAAA', () => this.resolver.resolve6(current)),
      ]);
      const addresses = [v4, v6].flatMap((result) =>
        result.status === 'fulfilled' ? result.value : [],
      );
      if (addresses.length > 0) return { ok: true, addresses };
      const failure = [v4, v6]
        .map((result) => (result.status === 'rejected' ? (result.reason as unknown) : null))
        .find((reason) => reason instanceof LookupFailure && !reason.missing);
      if (failure instanceof LookupFailure) return { ok: false, reason: failure.message };
      // The answer may hold a CNAME without its target's addresses: follow it.
      const target = await this.query(current, 'CNAME', () =>
        this.resolver.resolveCname(current),
      ).catch(() => []);
      if (target[0] === undefined) {
        return { ok: false, reason: `${name} has no A or AAAA record` };
      }
      current = bare(target[0]);
    }
    return { ok: false, reason: `${name}: more than ${MAX_CNAME_HOPS} CNAMEs in a row` };
  }

  private async query<T>(name: string, type: string, run: () => Promise<T>): Promise<T> {
    try {
      // c-ares stretches its own timeout; this one is the bound the operator set.
      return await withTimeout(run(), this.timeoutMs, `DNS ${type} ${name}`);
    } catch (error) {
      throw lookupFailure(error, name, type, this.timeoutMs);
    }
  }
}

function lookupFailure(error: unknown, name: string, type: string, ms: number): LookupFailure {
  if (error instanceof CheckTimeout) return new LookupFailure(error.message, false);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && MISSING_CODES.has(code)) {
    return new LookupFailure(`${name} has no ${type} record`, true);
  }
  if (code === 'ETIMEOUT' || code === 'TIMEOUT') {
    return new LookupFailure(`DNS ${type} ${name}: no answer within ${ms} ms`, false);
  }
  return new LookupFailure(`DNS ${type} ${name}: ${describeError(error)}`, false);
}

/** A host name in ASCII (punycode), lower-cased, without the final dot. */
export function bare(host: string): string {
  return hostName(host).slice(0, -1);
}
