import { isIPv6 } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import {
  Client,
  FilterParser,
  InvalidAsn1Error,
  MessageParserError,
  ResultCodeError,
  type Filter,
} from 'ldapts';
import type { LdapServerView } from '../../admin/admin-store';
import { buildSearchFilter } from '../../directory/ldap-filter';
import type { ClientId, Finding } from '../finding';
import { describeError, withTimeout } from './bounded';
import type { LiveContext } from './live-context';
import { failed, passed, type CheckOutcome } from './outcome';
import { bare } from './resolver';

const CLIENTS: readonly ClientId[] = ['thunderbird', 'k9', 'outlook', 'apple'];

/**
 * The domain's LDAP server answers as stored: the host resolves, bind with the stored
 * bind user and password (anonymous without), and one search under search_base with
 * the filter for a made-up address. No entry found is fine; an error is a finding.
 * A filter that does not parse is not sent: the stored-data rule `ldap.invalid-filter`
 * reports it, and only the bind is checked.
 */
export async function ldapCheck(
  ldap: LdapServerView,
  domain: string,
  context: LiveContext,
): Promise<CheckOutcome> {
  const host = bare(ldap.name);
  const subject = `LDAP server ${host}:${ldap.port}`;
  const finding = (
    rule: string,
    field: string | undefined,
    effect: string,
    fix: string,
  ): Finding => ({
    rule,
    severity: 'error',
    clients: CLIENTS,
    subject,
    ...(field !== undefined && { field }),
    effect,
    fix,
  });
  const resolution = await context.resolver.resolveHost(host);
  if (!resolution.ok) {
    return failed(
      finding(
        'live.ldap.unresolved',
        'ldapserver.name',
        `${resolution.reason}: automx2-nest cannot look users up, so answers for ${domain} lack the users' login names.`,
        `Publish ${host} in DNS, or correct the LDAP server's name.`,
      ),
    );
  }
  const address = resolution.addresses[0] as string;
  const urlHost = isIPv6(address) ? `[${address}]` : address;
  const client = new Client({
    url: `${ldap.use_ssl ? 'ldaps' : 'ldap'}://${urlHost}:${ldap.port}`,
    connectTimeout: context.timeoutMs,
    timeout: context.timeoutMs,
    // ldapts switches to TLS whenever tlsOptions are given: only for LDAPS.
    ...(ldap.use_ssl && {
      tlsOptions: {
        servername: host,
        ca: [...context.trust.ca],
        checkServerIdentity: (_name: string, cert: PeerCertificate) =>
          checkServerIdentity(host, cert),
      },
    }),
  });
  const filter = parseFilter(ldap.search_filter, domain);
  // Connect, TLS, bind and search: each bounded by ldapts, the whole by us as well.
  const deadline = 3 * context.timeoutMs + 500;
  let step: 'bind' | 'search' = 'bind';
  try {
    await withTimeout(
      (async () => {
        if (ldap.bind_user || ldap.bind_password) {
          await client.bind(ldap.bind_user ?? '', ldap.bind_password ?? '');
        } else if (filter === null) {
          // Nothing else would open the connection: an anonymous bind checks it.
          await client.bind('', '');
        }
        if (filter === null) return;
        step = 'search';
        await client.search(ldap.search_base, {
          scope: 'sub',
          filter,
          attributes: [ldap.attr_uid],
          sizeLimit: 1,
        });
      })(),
      deadline,
      'LDAP bind and search',
    );
  } catch (error) {
    const failure = classify(error);
    if (failure.kind === 'connection') {
      return failed(
        finding(
          'live.ldap.unreachable',
          'ldapserver.port',
          `${host} (${address}) port ${ldap.port}: ${failure.text}. automx2-nest cannot look users up.`,
          'Start the LDAP server on that port (LDAPS when use_ssl is set) and check its certificate, or correct the stored server.',
        ),
      );
    }
    if (failure.kind === 'protocol') {
      return failed(
        finding(
          'live.ldap.protocol',
          'ldapserver.port',
          `${host} (${address}) port ${ldap.port} answers the ${step}, but not as an LDAP server (${failure.text}). automx2-nest cannot look users up.`,
          'Check that the port runs LDAP (LDAPS when use_ssl is set), or correct the stored port.',
        ),
      );
    }
    if (step === 'bind') {
      return failed(
        finding(
          'live.ldap.bind',
          'ldapserver.bind_user',
          `Bind as "${ldap.bind_user ?? ''}" failed: ${failure.text}. automx2-nest cannot look users up.`,
          'Correct bind_user and bind_password (or grant the account read access).',
        ),
      );
    }
    return failed(
      finding(
        'live.ldap.search',
        'ldapserver.search_base',
        `A search under "${ldap.search_base}" failed: ${failure.text}. automx2-nest cannot look users up.`,
        "Correct search_base and search_filter, or the account's read access.",
      ),
    );
  } finally {
    await client.unbind().catch(() => undefined);
  }
  if (filter === null) {
    return passed(
      `LDAP ${host}:${ldap.port} binds (search not run: the stored search_filter does not parse, see ldap.invalid-filter)`,
    );
  }
  return passed(`LDAP ${host}:${ldap.port} binds and searches under ${ldap.search_base}`);
}

/** The search filter for a made-up address of the domain, or null when it does not parse. */
function parseFilter(template: string, domain: string): Filter | null {
  try {
    return FilterParser.parseString(buildSearchFilter(template, `doctor-check@${domain}`));
  } catch {
    return null;
  }
}

type LdapFailure =
  /** The server answered with an LDAP result code (its own message is not repeated). */
  | { readonly kind: 'answer'; readonly text: string }
  /** The server answered something that is not LDAP. */
  | { readonly kind: 'protocol'; readonly text: string }
  /** TCP, TLS or time: nothing usable came back. */
  | { readonly kind: 'connection'; readonly text: string };

/**
 * Sorts an error of ldapts. Result codes name the code, never the server's diagnostic
 * text; parser errors are ldapts' own words; the rest (node:net and node:tls errors,
 * ldapts' connection and operation timeouts, our deadline) is the connection.
 */
function classify(error: unknown): LdapFailure {
  if (error instanceof ResultCodeError) {
    return { kind: 'answer', text: `${error.name} (result code ${error.code})` };
  }
  if (error instanceof MessageParserError || error instanceof InvalidAsn1Error) {
    return { kind: 'protocol', text: describeError(error) };
  }
  return { kind: 'connection', text: describeError(error) };
}
