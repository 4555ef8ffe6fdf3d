import { DomainError } from '../common/domain-error';
import {
  portProblem,
  textProblem,
  type PortKind,
  type TextRuleOptions,
} from '../initdb/field-rules';
import { planFromDocument } from '../initdb/seed-document';
import type {
  PlannedDavServer,
  PlannedDomain,
  PlannedLdapServer,
  PlannedProvider,
  PlannedServer,
  SeedPlan,
} from '../initdb/seed-plan';
import { EXPORT_FORMAT, EXPORT_VERSION } from './export-format';

type Json = Record<string, unknown>;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

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
    const name = check.text(item, 'name', path, 128);
    const shortName = check.text(item, 'short_name', path, 32);
    if (id === undefined || name === undefined || shortName === undefined) return [];
    return [{ id, index, row: { ref: `p${id}`, name, shortName } satisfies PlannedProvider }];
  });
  const providerRefs = uniqueIds(check, 'providers', providers);

  const ldapServers = check.entries(body, 'ldapservers').flatMap(({ item, index, path }) => {
    const id = check.documentId(item, path);
    const row = {
      ref: `l${String(id)}`,
      name: check.text(item, 'name', path, 128),
      port: check.port(item, 'port', path, 'service'),
      useSsl: check.bool(item, 'use_ssl', path),
      searchBase: check.text(item, 'search_base', path, 128),
      searchFilter: check.text(item, 'search_filter', path, 128),
      attrUid: check.text(item, 'attr_uid', path, 32),
      attrCn: check.nullableText(item, 'attr_cn', path, 32),
      bindUser: check.nullableText(item, 'bind_user', path, 128),
      bindPassword: check.nullableText(item, 'bind_password', path, 128, { secret: true }),
    };
    if (id === undefined || !complete(row)) return [];
    return [{ id, index, row: row as PlannedLdapServer }];
  });
  const ldapRefs = uniqueIds(check, 'ldapservers', ldapServers);

  const domainRefs = new Map<string, string>();
  /** Every name written, valid row or not: a row's own problems are reported once. */
  const domainNames = new Set<string>();
  const domains = check
    .entries(body, 'domains')
    .flatMap(({ item, index, path }): PlannedDomain[] => {
      const name = check.text(item, 'name', path, 128, true);
      let duplicate = false;
      if (name !== undefined) {
        duplicate = domainNames.has(name);
        if (duplicate) check.add(`${path}.name`, `duplicate domain "${name}"`);
        domainNames.add(name);
      } else if (typeof item.name === 'string') {
        domainNames.add(item.name);
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
    const names = item.domains;
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
    const row = {
      prio: check.int32(item, 'prio', path),
      name: check.text(item, 'name', path, 128),
      port: check.port(item, 'port', path, 'service'),
      type: check.text(item, 'type', path, 32),
      socketType: check.text(item, 'socket_type', path, 32),
      userName: check.text(item, 'user_name', path, 64),
      authentication: check.text(item, 'authentication', path, 32),
      domainRefs: linkedDomains(item, path),
    };
    return complete(row) ? [row as PlannedServer] : [];
  });

  const davServers = check.entries(body, 'davservers').flatMap(({ item, path }) => {
    const row = {
      url: check.text(item, 'url', path, 128),
      port: check.port(item, 'port', path, 'dav'),
      type: check.text(item, 'type', path, 32),
      useSsl: check.bool(item, 'use_ssl', path),
      domainRequired: check.bool(item, 'domain_required', path),
      userName: check.nullableText(item, 'user_name', path, 64),
      domainRefs: linkedDomains(item, path),
    };
    return complete(row) ? [row as PlannedDavServer] : [];
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
  if (item.ldapserver_id === null) return null;
  if (item.ldapserver_id === undefined) {
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

function invalid(problems: readonly string[]): DomainError {
  return new DomainError('INVALID_SEED', problems.join('\n'));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when no field of the row failed (failed fields are `undefined`). */
function complete(row: Record<string, unknown>): boolean {
  return Object.values(row).every((value) => value !== undefined);
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

/** Collects every problem of a document as `path: what is wrong`. */
class Problems {
  private readonly problems: string[] = [];

  add(path: string, problem: string): void {
    this.problems.push(`${path}: ${problem}`);
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw invalid(this.problems);
  }

  /** The objects of a top-level list (missing = empty), each with its path. */
  entries(body: Json, key: string): { item: Json; index: number; path: string }[] {
    const value = body[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.add(key, 'must be an array');
      return [];
    }
    return (value as unknown[]).flatMap((item, index) => {
      const path = `${key}[${index}]`;
      if (isObject(item)) return [{ item, index, path }];
      this.add(path, 'must be an object');
      return [];
    });
  }

  documentId(item: Json, path: string): number | undefined {
    const id = this.int32(item, 'id', path);
    if (id !== undefined && id < 1) {
      this.add(`${path}.id`, 'must be a positive integer');
      return undefined;
    }
    return id;
  }

  text(
    item: Json,
    key: string,
    path: string,
    maxLength: number,
    nonEmpty = false,
  ): string | undefined {
    const value = item[key];
    if (typeof value !== 'string') {
      this.add(`${path}.${key}`, value === undefined ? 'missing' : 'must be a string');
      return undefined;
    }
    return this.fits(value, `${path}.${key}`, maxLength, nonEmpty);
  }

  nullableText(
    item: Json,
    key: string,
    path: string,
    maxLength: number,
    options: TextRuleOptions = {},
  ): string | null | undefined {
    const value = item[key];
    if (value === null) return null;
    if (typeof value !== 'string') {
      this.add(
        `${path}.${key}`,
        value === undefined ? 'missing (null for none)' : 'must be a string or null',
      );
      return undefined;
    }
    return this.fits(value, `${path}.${key}`, maxLength, false, options.secret);
  }

  int32(item: Json, key: string, path: string): number | undefined {
    const value = item[key];
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.add(`${path}.${key}`, value === undefined ? 'missing' : 'must be an integer');
      return undefined;
    }
    if (value < INT32_MIN || value > INT32_MAX) {
      this.add(`${path}.${key}`, 'out of range for a database integer');
      return undefined;
    }
    return value;
  }

  /** A port: an integer that `portProblem` accepts for `kind`. */
  port(item: Json, key: string, path: string, kind: PortKind): number | undefined {
    const value = item[key];
    // Not an integer at all: missing / must be an integer, as for every integer.
    if (typeof value !== 'number' || !Number.isInteger(value)) return this.int32(item, key, path);
    const problem = portProblem(value, kind);
    if (problem === undefined) return value;
    this.add(`${path}.${key}`, problem);
    return undefined;
  }

  bool(item: Json, key: string, path: string): boolean | undefined {
    const value = item[key];
    if (typeof value !== 'boolean') {
      this.add(`${path}.${key}`, value === undefined ? 'missing' : 'must be true or false');
      return undefined;
    }
    return value;
  }

  private fits(
    value: string,
    path: string,
    maxLength: number,
    nonEmpty: boolean,
    secret = false,
  ): string | undefined {
    if (nonEmpty && value.trim() === '') {
      this.add(path, 'must not be empty');
      return undefined;
    }
    // Column lengths count characters (code points), not UTF-16 units.
    if ([...value].length > maxLength) {
      this.add(path, `longer than ${maxLength} characters`);
      return undefined;
    }
    const problem = textProblem(value, { secret });
    if (problem !== undefined) {
      this.add(path, problem);
      return undefined;
    }
    return value;
  }
}
