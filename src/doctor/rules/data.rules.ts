import { isServicePort } from '../../common/ports';
import { authenticationOf, socketTypeOf } from '../../mail-settings/client-vocabulary';
import type { ClientId, Finding } from '../finding';
import { appleServers } from './outlook-apple.rules';
import {
  davServed,
  davSubject,
  davUrlHost,
  MAIL_TYPES,
  servedServers,
  serverField,
  serverSubject,
  type PlacedServer,
  type Rule,
} from './rule';

/**
 * Stored values the renderers cannot turn into what the data means: rows an older
 * automx2 or a hand-edited database may hold, which the admin API would refuse today.
 */

const ALL_CLIENTS: readonly ClientId[] = ['thunderbird', 'k9', 'outlook', 'apple'];
/** The placeholders the service and Thunderbird fill in (mail-settings/placeholders.ts). */
const KNOWN_PLACEHOLDERS: readonly string[] = ['EMAILADDRESS', 'EMAILLOCALPART', 'EMAILDOMAIN'];
/** `%NAME%` with a name of four or more letters: shorter ones are percent-escapes (`%AB%`). */
const PLACEHOLDER_LIKE = /%([A-Za-z_]{4,})%/g;
const DAV_TYPES: ReadonlySet<string> = new Set(['caldav', 'carddav']);

/** A port outside 1–65535 (DAV: 0 means "not set"): the server is left out of every answer. */
export const portOutOfRange: Rule = (view) => [
  ...view.servers.flatMap((server, index): Finding[] =>
    isServicePort(server.port)
      ? []
      : [
          {
            rule: 'data.port-out-of-range',
            severity: 'warning',
            clients: ALL_CLIENTS,
            subject: serverSubject({ server, index }),
            field: `servers[${index}].port`,
            effect:
              `Port ${server.port} is outside 1–65535: the server is left out of every ` +
              'answer, so clients set up the next server of its type, or none.',
            fix: 'Store the port the server listens on (1–65535).',
          },
        ],
  ),
  ...view.davservers.flatMap((dav, index): Finding[] =>
    davServed(dav)
      ? []
      : [
          {
            rule: 'data.port-out-of-range',
            severity: 'warning',
            clients: ['outlook', 'apple'],
            subject: davSubject(dav, index),
            field: `davservers[${index}].port`,
            effect: `Port ${dav.port} is outside 0–65535: the DAV server is left out of every answer.`,
            fix: 'Store the port (1–65535), or 0 to take it from the URL.',
          },
        ],
  ),
];

/** A type other than `imap`, `pop`, `smtp` (exactly): autoconfig and Autodiscover answer 400. */
export const unknownServerType: Rule = (view) =>
  servedServers(view)
    .filter(({ server }) => !MAIL_TYPES.has(server.type))
    .map((placed): Finding => ({
      rule: 'data.unknown-server-type',
      severity: 'error',
      clients: ['thunderbird', 'k9', 'outlook'],
      subject: serverSubject(placed),
      field: serverField(placed, 'type'),
      effect:
        `The type "${placed.server.type}" is none of imap, pop, smtp (lower case): ` +
        'autoconfig and Autodiscover answer 400 for the whole domain; the Apple profile ' +
        'leaves the server out.',
      fix: 'Store imap, pop or smtp as the type, or remove the server.',
    }));

/** A socket type no vocabulary knows: Thunderbird skips the server, K-9 rejects the document. */
export const unknownSocketType: Rule = (view) =>
  servedServers(view)
    .filter(
      ({ server }) => MAIL_TYPES.has(server.type) && socketTypeOf(server.socket_type) === undefined,
    )
    .map((placed): Finding => {
      const k9 = placed.server.type !== 'pop';
      return {
        rule: 'data.unknown-socket-type',
        severity: 'error',
        clients: k9 ? ['thunderbird', 'k9'] : ['thunderbird'],
        subject: serverSubject(placed),
        field: serverField(placed, 'socket_type'),
        effect:
          `The socket type "${placed.server.socket_type}" goes out as stored: Thunderbird ` +
          'skips the server in the autoconfig document' +
          (k9 ? ' and K-9 rejects the whole document.' : '.'),
        fix: 'Store SSL, STARTTLS or None.',
      };
    });

/** An authentication no vocabulary knows. */
export const unknownAuthentication: Rule = (view) => {
  const apple = new Set(appleServers(view).map(({ index }) => index));
  return servedServers(view)
    .filter(
      ({ server }) =>
        MAIL_TYPES.has(server.type) && authenticationOf(server.authentication) === undefined,
    )
    .map((placed): Finding => {
      const k9 = placed.server.type !== 'pop';
      const clients: ClientId[] = ['thunderbird'];
      const effects = ['Thunderbird skips the server in the autoconfig document'];
      if (k9) {
        clients.push('k9');
        effects.push('K-9 rejects the whole document');
      }
      if (apple.has(placed.index)) {
        clients.push('apple');
        effects.push('the Apple profile route answers 400');
      }
      return {
        rule: 'data.unknown-authentication',
        severity: 'error',
        clients,
        subject: serverSubject(placed),
        field: serverField(placed, 'authentication'),
        effect:
          `The authentication "${placed.server.authentication}" goes out as stored: ` +
          `${effects.join(', ')}.`,
        fix: 'Store plain (password), secure (encrypted password), OAuth2, NTLM, GSSAPI or none.',
      };
    });
};

/** `%EMAILADRESS%` and other placeholders nobody fills in: the text goes out literally. */
export const unknownPlaceholder: Rule = (view) => {
  const findings: Finding[] = [];
  const check = (
    text: string | null,
    field: string,
    subject: string,
    clients: readonly ClientId[],
  ) => {
    for (const name of unknownPlaceholders(text ?? '')) {
      const suggestion = nearestPlaceholder(name);
      findings.push({
        rule: 'data.unknown-placeholder',
        severity: 'error',
        clients,
        subject,
        field,
        effect:
          `%${name}% is no placeholder the service or the clients know: it goes out ` +
          'literally, and the user name or host is wrong for every address.',
        fix:
          suggestion === undefined
            ? `Use one of ${KNOWN_PLACEHOLDERS.map((known) => `%${known}%`).join(', ')}.`
            : `Write %${suggestion}%.`,
      });
    }
  };
  servedServers(view).forEach((placed) => {
    const subject = serverSubject(placed);
    check(placed.server.name, serverField(placed, 'name'), subject, ALL_CLIENTS);
    check(placed.server.user_name, serverField(placed, 'user_name'), subject, ALL_CLIENTS);
  });
  view.davservers.forEach((dav, index) => {
    const subject = davSubject(dav, index);
    check(dav.url, `davservers[${index}].url`, subject, ['outlook', 'apple']);
    check(dav.user_name, `davservers[${index}].user_name`, subject, ['outlook', 'apple']);
  });
  return findings;
};

/** The placeholder-like names in a text that are not known placeholders (case-sensitive). */
export function unknownPlaceholders(text: string): string[] {
  const names = [...text.matchAll(PLACEHOLDER_LIKE)].map((match) => match[1] ?? '');
  return [...new Set(names.filter((name) => !KNOWN_PLACEHOLDERS.includes(name)))];
}

/** The known placeholder a misspelt one most likely means (case-insensitive, ≤ 3 edits). */
export function nearestPlaceholder(name: string): string | undefined {
  let best: { known: string; distance: number } | undefined;
  for (const known of KNOWN_PLACEHOLDERS) {
    const distance = editDistance(name.toUpperCase(), known);
    if (distance <= 3 && (best === undefined || distance < best.distance)) {
      best = { known, distance };
    }
  }
  return best?.known;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** A DAV URL without a host (after placeholder expansion): Apple leaves it out. */
export const davUrlWithoutHost: Rule = (view) =>
  view.davservers.flatMap((dav, index): Finding[] => {
    if (!DAV_TYPES.has(dav.type) || !davServed(dav) || davUrlHost(view, dav.url) !== undefined) {
      return [];
    }
    return [
      {
        rule: 'data.dav-url-without-host',
        severity: 'warning',
        clients: ['outlook', 'apple'],
        subject: davSubject(dav, index),
        field: `davservers[${index}].url`,
        effect:
          `"${dav.url}" is not a URL with a host: the Apple profile leaves this account out ` +
          'and Outlook gets the text as the server.',
        fix: 'Store an absolute URL, e.g. https://dav.example.com/dav/.',
      },
    ];
  });

/** A DAV type other than `caldav`/`carddav` (exactly): no answer carries the server. */
export const unknownDavType: Rule = (view) =>
  view.davservers.flatMap((dav, index): Finding[] =>
    DAV_TYPES.has(dav.type)
      ? []
      : [
          {
            rule: 'data.unknown-dav-type',
            severity: 'warning',
            clients: ['outlook', 'apple'],
            subject: davSubject(dav, index),
            field: `davservers[${index}].type`,
            effect: `The type "${dav.type}" is neither caldav nor carddav: no answer carries the server.`,
            fix: 'Store caldav or carddav as the type.',
          },
        ],
  );

/** Servers of one type with the same prio: which one clients prefer depends on row ids. */
export const prioTie: Rule = (view) => {
  const groups = new Map<string, PlacedServer[]>();
  for (const placed of servedServers(view)) {
    const key = `${placed.server.type}\n${placed.server.prio}`;
    groups.set(key, [...(groups.get(key) ?? []), placed]);
  }
  return [...groups.values()]
    .filter((group) => group.length > 1)
    .map((group): Finding => {
      const [first] = group as [PlacedServer, ...PlacedServer[]];
      const positions = group.map(({ index }) => index + 1).join(', ');
      return {
        rule: 'data.prio-tie',
        severity: 'info',
        clients: ALL_CLIENTS,
        subject: `servers ${positions} (${first.server.type}, prio ${first.server.prio})`,
        field: serverField(first, 'prio'),
        effect:
          'These servers share a prio, so their order (and the one clients prefer: the ' +
          'first) follows their row ids, which an export and import may change.',
        fix: 'Give each server of the type its own prio, lowest first.',
      };
    });
};

export const DATA_RULES: readonly Rule[] = [
  portOutOfRange,
  unknownServerType,
  unknownSocketType,
  unknownAuthentication,
  unknownPlaceholder,
  davUrlWithoutHost,
  unknownDavType,
  prioTie,
];
