import type { DomainView } from '../../admin/admin-store';
import type { Finding } from '../finding';
import { describeError, mapBounded } from './bounded';
import { dnsChecks } from './dns-checks';
import { ldapCheck } from './ldap-checks';
import type { LiveContext } from './live-context';
import { liveDeadlineMs, type LiveCheckOptions } from './live-options';
import { mailServerCheck } from './mail-checks';
import { mergeOutcomes, type CheckOutcome } from './outcome';
import { bare, LiveResolver } from './resolver';
import { liveServers, serverSubject, type LiveServer } from './stored-servers';
import { httpsNameCheck } from './tls-checks';
import { loadTrust, type Trust } from './tls-connect';

export interface LiveReport {
  /** Problems found (rules `live.*`). */
  readonly findings: readonly Finding[];
  /** One short line per check that passed: `DNS autoconfig.example.org resolves (192.0.2.1)`. */
  readonly passed: readonly string[];
}

/** Checks running at once: a domain with many servers still finishes in a few timeouts. */
const CONCURRENCY = 8;

/** One check of a run, and what it is about (the subject of a finding when it fails). */
interface LiveCheck {
  readonly subject: string;
  readonly run: () => Promise<CheckOutcome>;
}

/**
 * The live checks (DNS, TLS, mail servers, LDAP) for one domain; each network call
 * bounded by options.timeoutMs, the whole run by liveDeadlineMs(options). Never
 * rejects: a failure, even of the setup, is a finding.
 */
export async function liveFindings(
  view: DomainView,
  options: LiveCheckOptions,
): Promise<LiveReport> {
  try {
    return await runLiveChecks(view, options);
  } catch (error) {
    return {
      findings: [
        checkFailed(subjectOf(view), `A live check stopped unexpectedly: ${describeError(error)}.`),
      ],
      passed: [],
    };
  }
}

async function runLiveChecks(view: DomainView, options: LiveCheckOptions): Promise<LiveReport> {
  const setup: Finding[] = [];
  let resolver: LiveResolver;
  try {
    resolver = new LiveResolver(options.dnsServers, options.timeoutMs);
  } catch (error) {
    return {
      findings: [
        {
          rule: 'live.dns.servers',
          severity: 'error',
          clients: [],
          subject: `DNS servers ${(options.dnsServers ?? []).join(', ')}`,
          effect: `The DNS servers to ask are not usable (${describeError(error)}); no live check ran.`,
          fix: 'Give DNS servers as HOST or HOST:PORT (IPv6 in brackets), e.g. 127.0.0.1:53.',
        },
      ],
      passed: [],
    };
  }
  let trust: Trust;
  try {
    trust = loadTrust(options.caFile);
  } catch (error) {
    trust = loadTrust(null);
    setup.push({
      rule: 'live.tls.ca-file',
      severity: 'warning',
      clients: [],
      subject: `CA file ${options.caFile ?? ''}`,
      effect: `The CA file cannot be read (${describeError(error)}); certificates were checked against the system CAs only.`,
      fix: 'Point doctor_ca_file (or --ca-file) at a readable PEM file.',
    });
  }
  const context: LiveContext = {
    resolver,
    trust,
    timeoutMs: options.timeoutMs,
    now: (options.now ?? (() => new Date()))(),
  };
  const domain = bare(view.name);
  const selection = liveServers(view);
  const servers = selection.flatMap((item) => (item.checkable ? [item.server] : []));
  const skipped = selection.flatMap((item) => (item.checkable ? [] : [item]));

  const ldap = view.ldapserver;
  const https = (prefix: 'autoconfig' | 'autodiscover'): LiveCheck => ({
    subject: `${prefix}.${domain}:${options.httpsPort}`,
    run: () => httpsNameCheck(prefix, domain, options.httpsPort, context),
  });
  const checks: LiveCheck[] = [
    { subject: `DNS records of ${domain}`, run: () => dnsChecks(domain, resolver, servers) },
    https('autoconfig'),
    https('autodiscover'),
    ...servers.map((server: LiveServer): LiveCheck => ({
      subject: serverSubject(server),
      run: () => mailServerCheck(server, context),
    })),
    ...(ldap
      ? [
          {
            subject: `LDAP server ${bare(ldap.name)}:${ldap.port}`,
            run: () => ldapCheck(ldap, domain, context),
          },
        ]
      : []),
  ];
  // At the deadline the lookups in flight end at once; connections end by their timeouts.
  const deadline = new RunDeadline(liveDeadlineMs(options), () => resolver.cancel());
  let outcomes: CheckOutcome[];
  try {
    outcomes = await mapBounded(checks, CONCURRENCY, (check) => deadline.run(check));
  } finally {
    deadline.clear();
  }
  const skippedFindings = skipped.map((item): Finding => ({
    rule: 'live.mail.skipped',
    severity: 'info',
    clients: [],
    subject: `server ${item.index + 1}`,
    field: `servers[${item.index}]`,
    effect: `Not checked live: ${item.reason}.`,
    fix: 'Nothing to do for the live checks; see the other findings for this server.',
  }));
  const all = mergeOutcomes([
    { findings: setup, passed: [] },
    ...outcomes,
    { findings: skippedFindings, passed: [] },
  ]);
  return { findings: all.findings, passed: all.passed };
}

/**
 * The bound on a whole run: a check still running when it passes, or not yet started,
 * becomes a `live.check-failed` finding (a running one is left to end by its own
 * timeouts; its result is dropped).
 */
class RunDeadline {
  private expired = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly passed: Promise<void>;

  constructor(
    private readonly ms: number,
    onExpiry: () => void,
  ) {
    this.passed = new Promise((resolve) => {
      this.timer = setTimeout(() => {
        this.expired = true;
        resolve();
        onExpiry();
      }, ms);
    });
  }

  async run(check: LiveCheck): Promise<CheckOutcome> {
    const late = (): CheckOutcome => ({
      findings: [
        checkFailed(
          check.subject,
          `Not checked: the live checks stop after ${seconds(this.ms)} and this one had not finished.`,
        ),
      ],
      passed: [],
    });
    if (this.expired) return late();
    const outcome = check.run().catch((error: unknown): CheckOutcome => ({
      findings: [
        checkFailed(check.subject, `A live check stopped unexpectedly: ${describeError(error)}.`),
      ],
      passed: [],
    }));
    return Promise.race([outcome, this.passed.then(late)]);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

function checkFailed(subject: string, effect: string): Finding {
  return {
    rule: 'live.check-failed',
    severity: 'warning',
    clients: [],
    subject,
    effect,
    fix: 'Run the live checks again; if this repeats, look at the slow DNS or mail server, or report the message.',
  };
}

/** The domain for a finding about the whole run, whatever the view holds. */
function subjectOf(view: DomainView): string {
  const name = (view as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? `domain ${name}` : 'domain';
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
