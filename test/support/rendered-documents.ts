/**
 * Documents made by the real renderers (the ones the client routes use) for a domain
 * built from a few mail servers, for the preview's reader specs.
 */
import { AutoconfigRenderer } from '../../src/autoconfig/autoconfig.renderer';
import { AutodiscoverRenderer } from '../../src/autodiscover/autodiscover.renderer';
import { parseEmailAddress } from '../../src/mail-settings/address-parser';
import type { DomainSettings, MailServer } from '../../src/mail-settings/domain-settings';
import type { EmailAddress } from '../../src/mail-settings/mailbox';
import { renderMobileconfig } from '../../src/mobileconfig/mobileconfig.renderer';

export const ALICE: EmailAddress = parseEmailAddress('alice@example.org');

/** A mail server row; ids follow the order given to `settingsWith`. */
export function server(overrides: Partial<MailServer> & Pick<MailServer, 'type'>): MailServer {
  const defaults: Record<string, Partial<MailServer>> = {
    imap: { name: 'imap.example.org', port: 993, socketType: 'SSL' },
    pop: { name: 'pop.example.org', port: 995, socketType: 'SSL' },
    smtp: { name: 'smtp.example.org', port: 587, socketType: 'STARTTLS' },
  };
  return {
    id: 1,
    prio: 10,
    name: 'mail.example.org',
    port: 993,
    socketType: 'SSL',
    userName: '%EMAILADDRESS%',
    authentication: 'plain',
    ...defaults[overrides.type],
    ...overrides,
  };
}

export function settingsWith(servers: readonly MailServer[]): DomainSettings {
  return {
    domainId: 1,
    domainName: 'example.org',
    provider: { id: 1, name: 'Example Org', shortName: 'Example' },
    providerDomains: ['example.org'],
    servers: servers.map((row, index) => ({ ...row, id: index + 1 })),
    davServers: [],
    ldapServer: null,
  };
}

/** IMAP on 993 (SSL) and SMTP on 587 (STARTTLS), user name the address. */
export const STANDARD = [server({ type: 'imap' }), server({ type: 'smtp' })];

export const autoconfigOf = (servers: readonly MailServer[]): string =>
  new AutoconfigRenderer().render(settingsWith(servers));

export const autodiscoverOf = (servers: readonly MailServer[]): string =>
  new AutodiscoverRenderer().renderOutlook(settingsWith(servers), ALICE);

export const profileOf = (servers: readonly MailServer[]): string =>
  renderMobileconfig({ settings: settingsWith(servers), address: ALICE });
