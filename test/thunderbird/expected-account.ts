import type { ServerRow } from './database-rows';
import {
  THUNDERBIRD_LIMITATIONS,
  type CaseLimitation,
  type ExpectedServer,
  type OutgoingAlternativeLimitation,
  type ServerLimitation,
  type ServerSituation,
} from './thunderbird-limitations';
import type { DocumentKind } from './thunderbird-runner';
import {
  aLabel,
  fillPlaceholders,
  thunderbirdAuthMethod,
  thunderbirdServerType,
  thunderbirdSocketType,
  type TypedAddress,
} from './thunderbird-vocabulary';

/** What Thunderbird should make of one document, from the database rows alone. */
export interface Expectation {
  readonly accepted: boolean;
  /** The database holds no mail server a client could use: no answer is right. */
  readonly noConfig: boolean;
  readonly incoming: readonly ExpectedServer[];
  readonly outgoing: ExpectedServer | null;
  readonly outgoingAlternatives: readonly ExpectedServer[];
  /** Autoconfig `<domain>`s (A-labels); Autodiscover has none. */
  readonly domains: readonly string[];
  /** Ids of THUNDERBIRD_LIMITATIONS that changed the expectation. */
  readonly limitations: readonly string[];
}

export interface ExpectationInput {
  readonly format: DocumentKind;
  readonly address: TypedAddress;
  /** The domain's `server` rows, in prio, id order. */
  readonly rows: readonly ServerRow[];
  /** Every domain of the domain's provider (autoconfig lists them all). */
  readonly providerDomains: readonly string[];
  readonly oauth2Provider: (hostname: string, type: string) => boolean;
}

const applies = (format: DocumentKind) => (limitation: { formats: readonly DocumentKind[] }) =>
  limitation.formats.includes(format);

const byScope = <S extends string>(scope: S) =>
  THUNDERBIRD_LIMITATIONS.filter(
    (limitation): limitation is Extract<(typeof THUNDERBIRD_LIMITATIONS)[number], { scope: S }> =>
      limitation.scope === scope,
  );

/** A row in Thunderbird's words; rows no client can use (type, port) give undefined. */
function translate(row: ServerRow, address: TypedAddress): ExpectedServer | undefined {
  const type = thunderbirdServerType(row.type);
  if (type === undefined || row.port < 1 || row.port > 65535) return undefined;
  const socketType = thunderbirdSocketType(row.socketType);
  const auth = thunderbirdAuthMethod(row.authentication);
  if (socketType === undefined || auth === undefined) {
    throw new Error(`test data: no Thunderbird word for ${row.socketType} / ${row.authentication}`);
  }
  const username = fillPlaceholders(row.userName, address);
  return { type, hostname: aLabel(row.name), port: row.port, socketType, auth, username };
}

/** Runs `limitations` over a server; records the ids that changed it. */
function limit(
  situation: ServerSituation,
  limitations: readonly (ServerLimitation | OutgoingAlternativeLimitation)[],
  fired: Set<string>,
): ExpectedServer | undefined {
  let server = situation.server;
  for (const limitation of limitations) {
    const effect = limitation.effect({ ...situation, server });
    if (effect === undefined) continue;
    if (effect === 'dropped') {
      fired.add(limitation.id);
      return undefined;
    }
    const changed = { ...server, ...effect };
    if (JSON.stringify(changed) !== JSON.stringify(server)) fired.add(limitation.id);
    server = changed;
  }
  return server;
}

export function expectAccount(input: ExpectationInput): Expectation {
  const { format, address } = input;
  const fired = new Set<string>();
  const situations = input.rows.flatMap((row): ServerSituation[] => {
    const server = translate(row, address);
    if (server === undefined) return [];
    return [
      {
        format,
        direction: server.type === 'smtp' ? 'outgoing' : 'incoming',
        server,
        storedUsername: row.userName,
        documentUsername:
          format === 'autoconfig' ? row.userName : fillPlaceholders(row.userName, address),
        oauth2Provider: input.oauth2Provider(server.hostname, server.type),
      },
    ];
  });
  const serverLimitations = byScope('server').filter(applies(format));
  const kept = situations.flatMap((situation) => {
    const server = limit(situation, serverLimitations, fired);
    return server === undefined ? [] : [{ ...situation, server }];
  });
  const incoming = kept.filter((s) => s.direction === 'incoming').map((s) => s.server);
  const smtp = kept.filter((s) => s.direction === 'outgoing');
  const alternativeLimitations = byScope('outgoing-alternative').filter(applies(format));
  const outgoingAlternatives = smtp
    .slice(1)
    .map((situation) => limit(situation, alternativeLimitations, fired) ?? situation.server);
  const outgoing = smtp.map((s) => s.server);

  const noConfig = situations.length === 0;
  const rejecting = (byScope('case') as readonly CaseLimitation[])
    .filter(applies(format))
    .filter((limitation) => limitation.rejects({ format, address, incoming, outgoing }));
  if (!noConfig) for (const limitation of rejecting) fired.add(limitation.id);
  return {
    accepted: !noConfig && rejecting.length === 0,
    noConfig,
    incoming,
    outgoing: outgoing[0] ?? null,
    outgoingAlternatives,
    domains: format === 'autoconfig' ? input.providerDomains.map(aLabel) : [],
    limitations: [...fired].sort(),
  };
}
