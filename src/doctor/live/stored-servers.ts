import type { DomainView, ServerView } from '../../admin/admin-store';
import { mailService } from '../../cli/dns-records';
import { socketTypeOf, type SocketType } from '../../mail-settings/client-vocabulary';
import type { ClientId } from '../finding';
import { bare } from './resolver';

/** A stored mail server as the live checks see it: host expanded, service known. */
export interface LiveServer {
  /** Position in the domain view (for `field`). */
  readonly index: number;
  readonly type: 'imap' | 'pop' | 'smtp';
  /** The stored name with %EMAILDOMAIN% expanded, ASCII, without the final dot. */
  readonly host: string;
  readonly port: number;
  /** SSL: implicit TLS; STARTTLS and Auto (sent to clients as STARTTLS); None/plain. */
  readonly security: 'tls' | 'starttls' | 'plain';
  /** RFC 6186/8314 SRV label (`_imaps` …), from the `dns` command's mapping. */
  readonly service: string | null;
  readonly view: ServerView;
}

/** The stored types the renderers answer with, spelt exactly as they compare them. */
const TYPES = ['imap', 'pop', 'smtp'] as const;
const PER_USER = /%EMAIL(ADDRESS|LOCALPART)%/;

/** The clients that use a server of this type (K-9 cannot use POP). */
export const CLIENTS_OF_TYPE: Readonly<Record<LiveServer['type'], readonly ClientId[]>> = {
  imap: ['thunderbird', 'k9', 'outlook', 'apple'],
  pop: ['thunderbird', 'outlook', 'apple'],
  smtp: ['thunderbird', 'k9', 'outlook', 'apple'],
};

/**
 * How clients connect for each socket type: `Auto` goes out as STARTTLS in autoconfig
 * and as an encrypted connection to Outlook and Apple, so it is checked as STARTTLS.
 */
const SECURITY: Readonly<Record<SocketType, LiveServer['security']>> = {
  SSL: 'tls',
  STARTTLS: 'starttls',
  Auto: 'starttls',
  None: 'plain',
};

export type ServerSelection =
  | { readonly checkable: true; readonly server: LiveServer }
  | { readonly checkable: false; readonly index: number; readonly reason: string };

/**
 * Which stored servers the live checks can reach. Left out, with the reason: types other
 * than imap/pop/smtp (exactly: no client gets another spelling), ports outside 1–65535,
 * socket types no client vocabulary knows, host names with a per-user placeholder (the
 * stored-data rules report all but the last).
 */
export function liveServers(view: DomainView): ServerSelection[] {
  return view.servers.map((server, index): ServerSelection => {
    const type = TYPES.find((candidate) => candidate === server.type);
    if (!type) return { checkable: false, index, reason: `type "${server.type}" is not checked` };
    if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65535) {
      return { checkable: false, index, reason: `port ${server.port} cannot be reached` };
    }
    const name = server.name.replaceAll('%EMAILDOMAIN%', view.name);
    if (PER_USER.test(name) || name.trim() === '') {
      return { checkable: false, index, reason: `host name "${server.name}" depends on the user` };
    }
    const socketType = socketTypeOf(server.socket_type);
    if (socketType === undefined) {
      return {
        checkable: false,
        index,
        reason: `socket type "${server.socket_type}" is not known`,
      };
    }
    const security = SECURITY[socketType];
    const service = mailService({
      id: server.id,
      prio: server.prio,
      name,
      port: server.port,
      type: server.type,
      socketType: server.socket_type,
      userName: server.user_name,
      authentication: server.authentication,
    });
    return {
      checkable: true,
      server: { index, type, host: bare(name), port: server.port, security, service, view: server },
    };
  });
}

/** `server 2 (imap.example.org:993, imap SSL)`: the subject of a finding about a server. */
export function serverSubject(server: LiveServer): string {
  return `server ${server.index + 1} (${server.host}:${server.port}, ${server.type} ${server.view.socket_type})`;
}
