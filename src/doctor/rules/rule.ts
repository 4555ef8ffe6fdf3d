import type { DavServerView, DomainView, ServerView } from '../../admin/admin-store';
import type { Finding } from '../finding';
import { isServicePort } from '../../common/ports';
import { asciiHostname, asciiUrl } from '../../mail-settings/ascii-names';
import { expandPlaceholders } from '../../mail-settings/placeholders';

/** One rule of the catalogue (docs/doctor.md): pure, over one domain's stored settings. */
export type Rule = (view: DomainView) => Finding[];

/** A mail server with its position in the view (answer order), for `field` and `subject`. */
export interface PlacedServer {
  readonly server: ServerView;
  readonly index: number;
}

/** The stored server types the renderers know, spelt exactly as they compare them. */
export const MAIL_TYPES: ReadonlySet<string> = new Set(['imap', 'pop', 'smtp']);

/**
 * The servers every answer carries, in answer order: a port outside 1–65535 leaves a
 * server out of every answer (mail-settings/client-settings.ts).
 */
export function servedServers(view: DomainView): PlacedServer[] {
  return view.servers
    .map((server, index) => ({ server, index }))
    .filter(({ server }) => isServicePort(server.port));
}

/** Served servers of one stored type (exact spelling, as the renderers compare it). */
export function servedOfType(view: DomainView, type: string): PlacedServer[] {
  return servedServers(view).filter(({ server }) => server.type === type);
}

/** `server 2 (imap.example.com:993, imap)`: the position matches the console's "Server 2". */
export function serverSubject({ server, index }: PlacedServer): string {
  return `server ${index + 1} (${asciiHostname(server.name)}:${server.port}, ${server.type})`;
}

/** The domain view path of a server field, e.g. `servers[2].socket_type`. */
export function serverField({ index }: PlacedServer, field?: keyof ServerView): string {
  return field === undefined ? `servers[${index}]` : `servers[${index}].${field}`;
}

export function domainSubject(view: DomainView): string {
  return `domain ${view.name}`;
}

/**
 * A stored text with the placeholders filled in for a sample address of the domain, as
 * the Autodiscover and Apple renderers fill them in (expandPlaceholders).
 */
export function expandForSample(view: DomainView, text: string): string {
  const localPart = 'someone';
  return expandPlaceholders(text, {
    address: `${localPart}@${view.name}`,
    localPart,
    domain: view.name,
  });
}

/**
 * The host of a DAV URL after placeholder expansion and ASCII conversion, as the Apple
 * renderer finds it (brackets of an IPv6 literal removed); undefined when there is none.
 */
export function davUrlHost(view: DomainView, url: string): string | undefined {
  let hostname: string;
  try {
    hostname = new URL(asciiUrl(expandForSample(view, url))).hostname;
  } catch {
    return undefined;
  }
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  return host === '' ? undefined : host;
}

/** The path of a DAV URL after placeholder expansion; undefined when it is no URL. */
export function davUrlPath(view: DomainView, url: string): string | undefined {
  try {
    return new URL(asciiUrl(expandForSample(view, url))).pathname;
  } catch {
    return undefined;
  }
}

/** Whether the answers carry a DAV server: its port is 0 ("not set") or 1–65535. */
export function davServed(dav: DavServerView): boolean {
  return dav.port === 0 || isServicePort(dav.port);
}

export function davSubject(dav: DavServerView, index: number): string {
  return `DAV server ${index + 1} (${dav.type} ${dav.url})`;
}
