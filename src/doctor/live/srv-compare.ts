import type { Finding } from '../finding';
import type { CheckOutcome } from './outcome';
import { bare, type SrvAnswer } from './resolver';
import type { LiveServer } from './stored-servers';

/** What DNS said for one RFC 6186/8314 service: its records, or nothing published. */
export interface PublishedService {
  /** `_imaps`, `_submission` … */
  readonly label: string;
  /** null when the name has no SRV record; `0 0 0 .` ("not offered") counts as no record. */
  readonly records: readonly SrvAnswer[] | null;
}

export const SRV_LABELS = [
  '_imaps',
  '_imap',
  '_pop3s',
  '_pop3',
  '_submissions',
  '_submission',
] as const;

/**
 * Compares the published mail SRV records with the stored servers (pure): a stored
 * server without a record for its service, or a record pointing at a host and port
 * not stored for that service, is a warning. K-9 and other RFC 6186 clients follow the
 * records when autoconfig fails; Thunderbird desktop does not read them.
 */
export function compareSrv(
  domain: string,
  servers: readonly LiveServer[],
  published: readonly PublishedService[],
): CheckOutcome {
  const findings: Finding[] = [];
  const passed: string[] = [];
  for (const { label, records } of published) {
    const owner = `${label}._tcp.${domain}`;
    const stored = servers.filter((server) => server.service === label);
    const offered = (records ?? []).filter((record) => bare(record.name) !== '');
    const key = (host: string, port: number) => `${bare(host)}:${port}`;
    const publishedKeys = new Set(offered.map((record) => key(record.name, record.port)));
    const storedKeys = new Set(stored.map((server) => key(server.host, server.port)));
    let agrees = true;
    for (const server of stored) {
      if (publishedKeys.has(key(server.host, server.port))) continue;
      agrees = false;
      findings.push({
        rule: 'live.dns.srv-missing',
        severity: 'warning',
        clients: ['k9'],
        subject: `${owner} SRV for ${key(server.host, server.port)}`,
        field: `servers[${server.index}]`,
        effect:
          offered.length === 0
            ? `${owner} has no SRV record, so clients that use RFC 6186 records do not find server ${server.index + 1}.`
            : `${owner} does not point at ${key(server.host, server.port)}, so clients that use RFC 6186 records do not find server ${server.index + 1}.`,
        fix: `Publish the SRV records the \`dns\` command prints for ${domain}.`,
      });
    }
    for (const record of offered) {
      if (storedKeys.has(key(record.name, record.port))) continue;
      agrees = false;
      findings.push({
        rule: 'live.dns.srv-mismatch',
        severity: 'warning',
        clients: ['k9'],
        subject: `${owner} SRV ${record.priority} ${key(record.name, record.port)}`,
        effect: `DNS sends clients that use RFC 6186 records to ${key(record.name, record.port)}, which is not a stored ${label.slice(1)} server of ${domain}.`,
        fix: `Remove or correct the record (the \`dns\` command prints the right ones), or store that server.`,
      });
    }
    if (agrees && stored.length > 0) {
      passed.push(`DNS ${owner} SRV matches the stored servers (${[...storedKeys].join(', ')})`);
    }
  }
  return { findings, passed };
}
