/** How the live checks reach the network (CLI flags, or the doctor_* configuration keys). */
export interface LiveCheckOptions {
  /** DNS servers to ask (`HOST` or `HOST:PORT`, IPv6 in brackets); null = the system's resolver. */
  readonly dnsServers: readonly string[] | null;
  /** PEM file of CAs trusted besides the system's, for the TLS checks; null = system CAs only. */
  readonly caFile: string | null;
  /** The port clients reach autoconfig./autodiscover.<domain> on over HTTPS (443). */
  readonly httpsPort: number;
  /** Bound on every single network call (DNS query, connect, TLS handshake, greeting), ms. */
  readonly timeoutMs: number;
  /**
   * Bound on the whole run, ms: checks not finished by then become `live.check-failed`
   * findings. Default liveDeadlineMs(): 30 s, or 3 network timeouts when that is longer.
   */
  readonly deadlineMs?: number;
  /** The clock, for certificate expiry (tests pass a fixed one). */
  readonly now?: () => Date;
}

export const DEFAULT_LIVE_TIMEOUT_MS = 3000;
export const DEFAULT_HTTPS_PORT = 443;
/** A certificate expiring within this many days is a finding. */
export const CERT_EXPIRY_DAYS = 14;
/** The least a whole live run may take before its unfinished checks are given up. */
export const DEFAULT_LIVE_DEADLINE_MS = 30_000;

/** The bound on a whole live run: the given one, else 30 s or 3 timeouts if longer. */
export function liveDeadlineMs(options: LiveCheckOptions): number {
  return options.deadlineMs ?? Math.max(DEFAULT_LIVE_DEADLINE_MS, 3 * options.timeoutMs);
}
