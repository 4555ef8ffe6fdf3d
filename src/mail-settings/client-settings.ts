import { isServicePort } from '../common/ports';
import { asciiHostname, asciiUrl } from './ascii-names';
import type { DavServer, DomainSettings, MailServer } from './domain-settings';

/** A stored server whose port no client can use; it is left out of every answer. */
export interface UnusablePort {
  readonly kind: 'server' | 'davserver';
  readonly id: number;
  readonly name: string;
  readonly port: number;
}

/**
 * The stored settings as every renderer sends them (CLIENTS.md): host names, provider
 * domains and DAV URLs in ASCII (A-labels, percent-encoded URL text), and mail servers
 * with a port outside 1–65535 — or DAV servers with one outside 0–65535, 0 meaning "not
 * set" — left out (K-9 rejects the whole document over one such port). Each left-out
 * server is passed to `unusable`. The domain's own name is kept as stored.
 */
export function clientSettings(
  settings: DomainSettings,
  unusable: (server: UnusablePort) => void = () => undefined,
): DomainSettings {
  const servers: MailServer[] = [];
  for (const server of settings.servers) {
    if (isServicePort(server.port)) {
      servers.push({ ...server, name: asciiHostname(server.name) });
    } else {
      unusable({ kind: 'server', id: server.id, name: server.name, port: server.port });
    }
  }
  const davServers: DavServer[] = [];
  for (const server of settings.davServers) {
    if (server.port === 0 || isServicePort(server.port)) {
      davServers.push({ ...server, url: asciiUrl(server.url) });
    } else {
      unusable({ kind: 'davserver', id: server.id, name: server.url, port: server.port });
    }
  }
  return {
    ...settings,
    providerDomains: settings.providerDomains.map(asciiHostname),
    servers,
    davServers,
  };
}
