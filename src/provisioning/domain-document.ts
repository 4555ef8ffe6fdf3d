import type { SharedColumns, SharedKind } from '../admin/admin-store';
import { domainLookupNames } from '../mail-settings/domain-names';
import type { PlannedLdapServer, SeedPlan } from './plan';
import { invalid, isObject, Problems, type Json } from './problems';
import {
  davServerColumns,
  DOMAIN_NAME_MAX,
  domainName,
  ldapServerColumns,
  providerColumns,
  serverColumns,
} from './row-checks';
import { ROW_FIELDS } from './row-fields';

/**
 * The bodies of the admin API's writes (docs/admin-api.md): a domain view for
 * `PUT /domains/{name}` and a shared row's view for `PUT /servers/{id}` and the like.
 * Columns are checked by the same code as export documents (row-checks.ts), so a value
 * is refused with the same message by `automx2-nest import` and the API. Every problem
 * is named, one `field path: problem` per line of an INVALID_SEED error; fields the
 * views answer but a write does not take (`id`, `domain_count`) are ignored, any other
 * unknown field is a problem.
 */

/** Answered by GET, ignored in a body. */
const IGNORED = ['id', 'domain_count'] as const;

const DOMAIN_FIELDS = ['name', 'provider', 'ldapserver', 'servers', 'davservers'] as const;

/** The refs of the rows of a one-domain plan. */
const REF = { provider: 'p', ldapServer: 'l', domain: 'd' } as const;

/**
 * Validates the body of `PUT /domains/{pathName}` and turns it into a plan of exactly
 * one domain, its servers linked to it. The domain is named by the body's `name` when
 * given (it must denote the same domain as the path, compared as lookups compare: any
 * case, either IDN form), else by the path's name, trimmed.
 */
export function planFromDomainDocument(pathName: string, body: unknown): SeedPlan {
  if (!isObject(body)) throw invalid(['document: expected a JSON object']);
  const check = new Problems();
  check.unknownFields(body, '', DOMAIN_FIELDS, IGNORED);

  const name = nameOf(check, pathName, body);
  const providerBody = check.object(body, 'provider', '');
  const provider = providerBody && checkedRow(check, providerBody, 'provider', 'provider');
  const ldapBody =
    check.value(body, 'ldapserver') === undefined
      ? null
      : check.object(body, 'ldapserver', '', true);
  const ldapServer = ldapBody && checkedRow(check, ldapBody, 'ldapserver', 'ldapServer');

  const domainRefs = [REF.domain];
  const servers = check.entries(body, 'servers', '', true).flatMap(({ item, path }) => {
    const columns = checkedRow(check, item, path, 'server');
    return columns ? [{ ...columns, domainRefs }] : [];
  });
  const davServers = check.entries(body, 'davservers').flatMap(({ item, path }) => {
    const columns = checkedRow(check, item, path, 'davServer');
    return columns ? [{ ...columns, domainRefs }] : [];
  });

  check.throwIfAny();
  // No problem was added, so every required part is there.
  if (name === undefined || !provider || ldapServer === undefined) {
    throw invalid(['document: invalid']);
  }
  const ldapServers: PlannedLdapServer[] = ldapServer
    ? [{ ref: REF.ldapServer, ...ldapServer }]
    : [];
  return {
    providers: [{ ref: REF.provider, ...provider }],
    ldapServers,
    domains: [
      {
        ref: REF.domain,
        name,
        providerRef: REF.provider,
        ldapServerRef: ldapServer ? REF.ldapServer : null,
      },
    ],
    servers,
    davServers,
  };
}

/**
 * Validates the body of `PUT /{kind}/{id}`: the row's view, every column required;
 * `id` and `domain_count` are ignored. Returns the columns in the view's vocabulary.
 */
export function sharedColumnsFromBody<K extends SharedKind>(
  kind: K,
  body: unknown,
): SharedColumns[K] {
  if (!isObject(body)) throw invalid(['document: expected a JSON object']);
  const check = new Problems();
  const columns = sharedColumns(check, kind, body);
  check.throwIfAny();
  if (columns === undefined) throw invalid(['document: invalid']);
  return columns;
}

function sharedColumns<K extends SharedKind>(
  check: Problems,
  kind: K,
  body: Json,
): SharedColumns[K] | undefined {
  // Each case builds the columns of its own kind; TypeScript cannot narrow K by kind.
  type Result = SharedColumns[K] | undefined;
  switch (kind) {
    case 'providers': {
      const row = checkedRow(check, body, '', 'provider');
      return (row && { name: row.name, short_name: row.shortName }) as Result;
    }
    case 'ldapservers': {
      const row = checkedRow(check, body, '', 'ldapServer');
      return (row && {
        name: row.name,
        port: row.port,
        use_ssl: row.useSsl,
        search_base: row.searchBase,
        search_filter: row.searchFilter,
        attr_uid: row.attrUid,
        attr_cn: row.attrCn,
        bind_user: row.bindUser,
        bind_password: row.bindPassword,
      }) as Result;
    }
    case 'servers': {
      const row = checkedRow(check, body, '', 'server');
      return (row && {
        type: row.type,
        name: row.name,
        port: row.port,
        socket_type: row.socketType,
        user_name: row.userName,
        authentication: row.authentication,
        prio: row.prio,
      }) as Result;
    }
    case 'davservers': {
      const row = checkedRow(check, body, '', 'davServer');
      return (row && {
        type: row.type,
        url: row.url,
        port: row.port,
        use_ssl: row.useSsl,
        domain_required: row.domainRequired,
        user_name: row.userName,
      }) as Result;
    }
  }
  return undefined;
}

const COLUMN_CHECKS = {
  provider: providerColumns,
  ldapServer: ldapServerColumns,
  server: serverColumns,
  davServer: davServerColumns,
} as const;

type RowKind = keyof typeof COLUMN_CHECKS;

/** One row of a body: its columns checked, its unknown fields named. */
function checkedRow<R extends RowKind>(
  check: Problems,
  item: Json,
  path: string,
  kind: R,
): ReturnType<(typeof COLUMN_CHECKS)[R]> {
  check.unknownFields(item, path, ROW_FIELDS[kind], IGNORED);
  const columns: (check: Problems, item: Json, path: string) => unknown = COLUMN_CHECKS[kind];
  return columns(check, item, path) as ReturnType<(typeof COLUMN_CHECKS)[R]>;
}

/**
 * The domain's name: the body's, if given and the path's domain, else the path's. The
 * body's is the path's domain when a lookup of the path would find it stored: its
 * lower case is one of the path's spellings.
 */
function nameOf(check: Problems, pathName: string, body: Json): string | undefined {
  const fromPath = pathName.trim();
  let name: string | undefined;
  if (check.value(body, 'name') === undefined) {
    name = check.storable(fromPath, 'name', DOMAIN_NAME_MAX, true);
  } else {
    name = domainName(check, body, '');
    if (name !== undefined && !domainLookupNames(fromPath).includes(name.toLowerCase())) {
      check.add('name', 'must name the domain of the path (in any case or IDN form)');
      return undefined;
    }
  }
  return name;
}
