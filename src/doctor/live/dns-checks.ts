import type { Finding } from '../finding';
import { failed, mergeOutcomes, passed, type CheckOutcome } from './outcome';
import { LookupFailure, type LiveResolver, type SrvAnswer } from './resolver';
import { compareSrv, SRV_LABELS, type PublishedService } from './srv-compare';
import type { LiveServer } from './stored-servers';

/**
 * The DNS checks of one domain (`domain` in ASCII, no final dot): the autoconfig and
 * autodiscover host names resolve, `_autodiscover._tcp` SRV, the mail SRV records agree
 * with the stored servers, MX present. Independent lookups run concurrently.
 */
export async function dnsChecks(
  domain: string,
  resolver: LiveResolver,
  servers: readonly LiveServer[],
): Promise<CheckOutcome> {
  const [autoconfig, autodiscoverSrv, mailSrv, mx] = await Promise.all([
    autoconfigCheck(domain, resolver),
    srvRecords(resolver, `_autodiscover._tcp.${domain}`),
    Promise.all(
      SRV_LABELS.map(async (label) => ({
        label,
        answer: await srvRecords(resolver, `${label}._tcp.${domain}`),
      })),
    ),
    mxCheck(domain, resolver),
  ]);
  const autodiscover = await autodiscoverCheck(domain, resolver, autodiscoverSrv);
  const lookupFailures = mailSrv.flatMap(({ label, answer }) =>
    answer instanceof LookupFailure ? [lookupFailed(`${label}._tcp.${domain}`, answer)] : [],
  );
  const published: PublishedService[] = mailSrv.flatMap(({ label, answer }) =>
    answer instanceof LookupFailure ? [] : [{ label, records: answer }],
  );
  return mergeOutcomes([
    autoconfig,
    autodiscover,
    mx,
    compareSrv(domain, servers, published),
    failed(...lookupFailures),
  ]);
}

async function autoconfigCheck(domain: string, resolver: LiveResolver): Promise<CheckOutcome> {
  const name = `autoconfig.${domain}`;
  const resolution = await resolver.resolveHost(name);
  if (resolution.ok) return passed(`DNS ${name} resolves (${resolution.addresses.join(', ')})`);
  return failed({
    rule: 'live.dns.autoconfig',
    severity: 'error',
    clients: ['thunderbird', 'k9'],
    subject: name,
    effect: `${resolution.reason}: Thunderbird and K-9 cannot fetch the configuration from ${name} and fall back to guessing.`,
    fix: `Publish ${name} (a CNAME to the host that serves automx2-nest; see the \`dns\` command).`,
  });
}

async function autodiscoverCheck(
  domain: string,
  resolver: LiveResolver,
  srv: readonly SrvAnswer[] | null | LookupFailure,
): Promise<CheckOutcome> {
  const name = `autodiscover.${domain}`;
  const owner = `_autodiscover._tcp.${domain}`;
  const records = srv instanceof LookupFailure ? null : srv;
  const hasSrv = records !== null && records.some((record) => record.name !== '');
  const resolution = await resolver.resolveHost(name);
  const outcomes: CheckOutcome[] = [];
  if (resolution.ok) {
    outcomes.push(passed(`DNS ${name} resolves (${resolution.addresses.join(', ')})`));
  } else {
    outcomes.push(
      failed({
        rule: 'live.dns.autodiscover',
        // Outlook still finds the service through the SRV record when there is one.
        severity: hasSrv ? 'warning' : 'error',
        clients: ['outlook', 'thunderbird'],
        subject: name,
        effect: hasSrv
          ? `${resolution.reason}: Outlook reaches Autodiscover only through the ${owner} SRV record, after a detour.`
          : `${resolution.reason}: Outlook (and Thunderbird's Autodiscover fallback) cannot find the mail settings.`,
        fix: `Publish ${name} (a CNAME to the host that serves automx2-nest; see the \`dns\` command).`,
      }),
    );
  }
  if (srv instanceof LookupFailure) {
    outcomes.push(failed(lookupFailed(owner, srv)));
  } else if (hasSrv && records) {
    const targets = records.map((record) => `${record.name}:${record.port}`).join(', ');
    outcomes.push(passed(`DNS ${owner} SRV present (${targets})`));
  } else {
    outcomes.push(
      failed({
        rule: 'live.dns.autodiscover-srv',
        severity: 'warning',
        clients: ['outlook'],
        subject: owner,
        effect: `${owner} has no SRV record: Outlook has no fallback when ${name} cannot be reached.`,
        fix: `Publish the ${owner} SRV record the \`dns\` command prints.`,
      }),
    );
  }
  return mergeOutcomes(outcomes);
}

async function mxCheck(domain: string, resolver: LiveResolver): Promise<CheckOutcome> {
  try {
    const records = await resolver.mx(domain);
    const hosts = records.map((record) => record.exchange).filter((host) => host !== '');
    if (hosts.length > 0) return passed(`DNS ${domain} MX present (${hosts.join(', ')})`);
  } catch (error) {
    if (error instanceof LookupFailure && !error.missing)
      return failed(lookupFailed(domain, error));
  }
  return failed({
    rule: 'live.dns.mx',
    severity: 'warning',
    clients: [],
    subject: domain,
    effect: `${domain} has no MX record: mail to its addresses is not delivered (or goes to the A record).`,
    fix: `Publish an MX record for ${domain} naming the host that receives its mail.`,
  });
}

/** The records, null when none are published, or the failure of the lookup itself. */
async function srvRecords(
  resolver: LiveResolver,
  name: string,
): Promise<SrvAnswer[] | null | LookupFailure> {
  try {
    return await resolver.srv(name);
  } catch (error) {
    if (error instanceof LookupFailure) return error.missing ? null : error;
    return new LookupFailure(String(error), false);
  }
}

function lookupFailed(name: string, failure: LookupFailure): Finding {
  return {
    rule: 'live.dns.lookup',
    severity: 'warning',
    clients: [],
    subject: name,
    effect: `${failure.message}; this record could not be checked.`,
    fix: 'Check that the DNS servers answer for the domain (and the doctor_dns_servers setting).',
  };
}
