import { UsageError } from '../bootstrap/cli-args';
import { domainLookupNames } from '../mail-settings/domain-names';
import { loadCliConfig, withDatabase } from './cli-context';
import { CliError } from './cli.errors';
import { parseCommandArgs, stringOption } from './command-args';
import { DEFAULT_TTL, dnsRecords, MAX_TTL, readHost, readTtl } from './dns-records';

/**
 * `dns <domain> [--target HOST] [--autodiscover-host HOST] [--ttl SECONDS]`: the DNS
 * records to publish for a domain, from the database, in zone-file syntax.
 */
export async function runDns(argv: readonly string[]): Promise<void> {
  const args = parseCommandArgs(
    'dns',
    argv,
    {
      target: { type: 'string' },
      'autodiscover-host': { type: 'string' },
      ttl: { type: 'string' },
    },
    { min: 1, max: 1 },
  );
  const domain = (args.positionals[0] ?? '').trim().replace(/\.$/, '');
  if (domain === '') throw new UsageError('dns: the domain is empty');
  const options = {
    ttl: ttlOption(stringOption(args, 'ttl')),
    target: hostOption('--target', stringOption(args, 'target')),
    autodiscoverHost: hostOption('--autodiscover-host', stringOption(args, 'autodiscover-host')),
  };
  const loaded = loadCliConfig();
  if (!loaded) return;
  const settings = await withDatabase(loaded, async (connection) => {
    const { DomainSettingsRepository } = await import('../database/domain-settings.repository');
    return new DomainSettingsRepository(connection).findDomainWithServers(
      domainLookupNames(domain),
    );
  });
  if (!settings) throw new CliError(`unknown domain: ${domain} (not in the database)`);
  process.stdout.write(
    dnsRecords(settings, options)
      .map((line) => `${line}\n`)
      .join(''),
  );
}

function ttlOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TTL;
  const ttl = readTtl(value);
  if (ttl === null) {
    throw new UsageError(`dns: --ttl ${JSON.stringify(value)}: expected seconds (0-${MAX_TTL})`);
  }
  return ttl;
}

function hostOption(option: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  const host = readHost(value);
  if (host === null) {
    throw new UsageError(`dns: ${option} ${JSON.stringify(value)}: expected a host name`);
  }
  return host;
}
