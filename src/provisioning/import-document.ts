import { DomainError } from '../common/domain-error';
import { planFromDocument } from './seed-document';
import type {
  PlannedDavServer,
  PlannedDomain,
  PlannedLdapServer,
  PlannedProvider,
  PlannedServer,
  SeedPlan,
} from './plan';
import { EXPORT_FORMAT, EXPORT_VERSION } from './export-format';
import { invalid, isObject, Problems, type Json } from './problems';
import {
  davServerColumns,
  domainName,
  ldapServerColumns,
  providerColumns,
  serverColumns,
} from './row-checks';

export type ImportDocumentKind = 'export' | 'seed-v2';

export interface ImportDocument {
  readonly kind: ImportDocumentKind;
  readonly plan: SeedPlan;
}

/**
 * Reads the text of an import file: an export document (it has `format`) or a plain
 * seeding document of version 2 (validated as POST /initdb/ does). Throws INVALID_SEED
 * naming every problem found, one per line.
 */
export function readImportDocument(text: string): ImportDocument {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw invalid([`document: not valid JSON (${(error as Error).message})`]);
  }
  if (isObject(body) && 'format' in body) {
    return { kind: 'export', plan: planFromExportDocument(body) };
  }
  try {
    return { kind: 'seed-v2', plan: planFromDocument(body, 'all') };
  } catch (error) {
    if (error instanceof DomainError && isObject(body) && 'providers' in body) {
      const [first = '', ...rest] = error.message.split('\n');
      throw invalid([`${first} (an export document needs "format": "${EXPORT_FORMAT}")`, ...rest]);
    }
    throw error;
  }
}

/** Validates an export document (every column explicit) and turns it into rows. */
export function planFromExportDocument(body: Json): SeedPlan {
  const check = new Problems();
  if (body.format !== EXPORT_FORMAT) {
    check.add('format', `must be "${EXPORT_FORMAT}"`);
  }
  if (body.version !== 2) check.add('version', 'must be the integer 2');
  if (body.export_version !== EXPORT_VERSION) {
    check.add('export_version', `must be ${EXPORT_VERSION} (the version this program reads)`);
  }
  check.throwIfAny();

  const providers = check.entries(body, 'providers').flatMap(({ item, index, path }) => {
    const id = check.documentId(item, path);
    const columns = providerColumns(check, item, path);
    if (id === undefined || columns === undefined) return [];
    return [{ id, index, row: { ref: `p${id}`, ...columns } satisfies PlannedProvider }];
  });
  const providerRefs = uniqueIds(check, 'providers', providers);

  const ldapServers = check.entries(body, 'ldapservers').flatMap(({ item, index, path }) => {
    const id = check.documentId(item, path);
    const columns = ldapServerColumns(check, item, path);
    if (id === undefined || columns === undefined) return [];
    return [{ id, index, row: { ref: `l${id}`, ...columns } satisfies PlannedLdapServer }];
  });
  const ldapRefs = uniqueIds(check, 'ldapservers', ldapServers);

  const domainRefs = new Map<string, string>();
  /** Every name written, valid row or not: a row's own problems are reported once. */
  const domainNames = new Set<string>();
  const domains = check
    .entries(body, 'domains')
    .flatMap(({ item, index, path }): PlannedDomain[] => {
      const name = domainName(check, item, path);
      let duplicate = false;
      if (name !== undefined) {
        duplicate = domainNames.has(name);
        if (duplicate) check.add(`${path}.name`, `duplicate domain "${name}"`);
        domainNames.add(name);
      } else {
        const written = check.value(item, 'name');
        if (typeof written === 'string') domainNames.add(written);
      }
      const providerId = check.int32(item, 'provider_id', path);
      const providerRef = providerId === undefined ? undefined : providerRefs.get(providerId);
      if (providerId !== undefined && providerRef === undefined) {
        check.add(`${path}.provider_id`, `no provider with id ${providerId} in this document`);
      }
      const ldapServerRef = ldapReference(check, item, path, ldapRefs);
      if (
        name === undefined ||
        duplicate ||
        providerRef === undefined ||
        ldapServerRef === undefined
      ) {
        return [];
      }
      const ref = `d${index}`;
      domainRefs.set(name, ref);
      return [{ ref, name, providerRef, ldapServerRef }];
    });

  const linkedDomains = (item: Json, path: string): string[] | undefined => {
    const names = check.value(item, 'domains');
    if (!Array.isArray(names)) {
      check.add(`${path}.domains`, names === undefined ? 'missing' : 'must be an array');
      return undefined;
    }
    const refs: string[] = [];
    names.forEach((name: unknown, index) => {
      const at = `${path}.domains[${index}]`;
      if (typeof name !== 'string') return check.add(at, 'must be a domain name (string)');
      const ref = domainRefs.get(name);
      if (ref === undefined) {
        // A domain row with problems of its own has been reported already.
        if (!domainNames.has(name)) {
          check.add(at, `no domain ${JSON.stringify(name)} in this document`);
        }
        return;
      }
      if (refs.includes(ref)) return check.add(at, `"${name}" is listed twice`);
      refs.push(ref);
    });
    return refs;
  };

  const servers = check.entries(body, 'servers').flatMap(({ item, path }) => {
    const columns = serverColumns(check, item, path);
    const domainRefs = linkedDomains(item, path);
    if (columns === undefined || domainRefs === undefined) return [];
    return [{ ...columns, domainRefs } satisfies PlannedServer];
  });

  const davServers = check.entries(body, 'davservers').flatMap(({ item, path }) => {
    const columns = davServerColumns(check, item, path);
    const domainRefs = linkedDomains(item, path);
    if (columns === undefined || domainRefs === undefined) return [];
    return [{ ...columns, domainRefs } satisfies PlannedDavServer];
  });

  check.throwIfAny();
  return {
    providers: providers.map((entry) => entry.row),
    ldapServers: ldapServers.map((entry) => entry.row),
    domains,
    servers,
    davServers,
  };
}

/** `ldapserver_id`: null, or the id of an LDAP server of the document (undefined: bad). */
function ldapReference(
  check: Problems,
  item: Json,
  path: string,
  ldapRefs: ReadonlyMap<number, string>,
): string | null | undefined {
  const written = check.value(item, 'ldapserver_id');
  if (written === null) return null;
  if (written === undefined) {
    check.add(`${path}.ldapserver_id`, 'missing (null for none)');
    return undefined;
  }
  const id = check.int32(item, 'ldapserver_id', path);
  if (id === undefined) return undefined;
  const ref = ldapRefs.get(id);
  if (ref === undefined) {
    check.add(`${path}.ldapserver_id`, `no LDAP server with id ${id} in this document`);
  }
  return ref;
}

/** Document id → row ref; a repeated id is a problem. */
function uniqueIds(
  check: Problems,
  list: string,
  entries: readonly { id: number; index: number; row: { ref: string } }[],
): Map<number, string> {
  const refs = new Map<number, string>();
  for (const { id, index, row } of entries) {
    if (refs.has(id)) check.add(`${list}[${index}].id`, `duplicate id ${id}`);
    else refs.set(id, row.ref);
  }
  return refs;
}
