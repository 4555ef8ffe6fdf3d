import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { domainLookupNames } from '../mail-settings/domain-names';
import { DomainError } from '../common/domain-error';
import { SeedDocumentDto, type SeedServerDto } from './seed-document.dto';
import type { PlannedDavServer, PlannedServer, SeedPlan } from './seed-plan';

const DEFAULT_PORTS: Record<string, number> = { imap: 993, pop: 995, smtp: 465 };
const IMPLICIT_TLS_PORTS = [465, 993, 995];
const PLACEHOLDER_ADDRESS = '%EMAILADDRESS%';

const invalid = (message: string) => new DomainError('INVALID_SEED', message);

/** Python's truthiness, for the "falsy body loads the sample data" rule. */
export function isFalsyDocument(body: unknown): boolean {
  if (body === null || body === undefined || body === false || body === 0 || body === '') {
    return true;
  }
  if (Array.isArray(body)) return body.length === 0;
  return typeof body === 'object' && Object.keys(body).length === 0;
}

/** Validates a seeding document and turns it into rows; every failure names its field. */
export function planFromDocument(body: unknown): SeedPlan {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('document: expected a JSON object');
  }
  if (!('version' in body)) {
    throw invalid('version: missing (seeding format version 2 is required)');
  }
  const document = plainToInstance(SeedDocumentDto, body);
  const errors = validateSync(document, { forbidUnknownValues: false });
  if (errors.length > 0) throw invalid(firstProblem(errors));
  return toPlan(document);
}

/**
 * class-validator lists a property's failed constraints last decorator first, so a
 * missing name would be reported as "too long": report the most basic one instead.
 */
const CONSTRAINT_ORDER = [
  'equals',
  'isArray',
  'isString',
  'isInt',
  'isBoolean',
  'isIn',
  'isNotEmpty',
  'arrayMinSize',
  'min',
  'max',
  'maxLength',
];

function firstProblem(errors: ValidationError[], prefix = ''): string {
  for (const error of errors) {
    const path = /^\d+$/.test(error.property)
      ? `${prefix}[${error.property}]`
      : prefix
        ? `${prefix}.${error.property}`
        : error.property;
    const constraints = error.constraints ?? {};
    if (Object.keys(constraints).length > 0) {
      if (error.value === undefined) return `${path}: missing`;
      if (constraints['nestedValidation']) return `${path}: must be an object`;
      if (constraints['isObject'] && Array.isArray(error.value)) {
        return `${path}[${firstNonObject(error.value)}]: must be an object`;
      }
      const key = CONSTRAINT_ORDER.find((name) => constraints[name] !== undefined);
      const constraint = constraints[key ?? ''] ?? Object.values(constraints)[0] ?? 'invalid';
      return `${path}: ${constraint.replace(/^\S+ /, '')}`;
    }
    if (error.children?.length) return firstProblem(error.children, path);
  }
  return 'document: invalid';
}

function firstNonObject(entries: readonly unknown[]): number {
  return entries.findIndex(
    (entry) => typeof entry !== 'object' || entry === null || Array.isArray(entry),
  );
}

function toPlan(document: SeedDocumentDto): SeedPlan {
  const shortName = document.provider.split(' ')[0] ?? '';
  if (shortName.length > 32) {
    throw invalid('provider: the short name (text before the first space) exceeds 32 characters');
  }
  const ldapRefs = new Map<number, string>();
  const ldapServers = (document.ldapservers ?? []).map((server, index) => {
    if (ldapRefs.has(server.id)) throw invalid(`ldapservers[${index}].id: duplicate id`);
    const ref = `ldap${index}`;
    ldapRefs.set(server.id, ref);
    const port = server.port ?? 636;
    return {
      ref,
      name: server.name,
      port,
      useSsl: server.use_ssl ?? port === 636,
      searchBase: server.search_base,
      searchFilter: server.search_filter ?? '(mail={0})',
      attrUid: server.attr_uid ?? 'uid',
      attrCn: server.attr_cn ?? 'cn',
      bindUser: server.bind_user,
      bindPassword: server.bind_password,
    };
  });
  const seen = new Set<string>();
  const domains = document.domains.map((domain, index) => {
    if (domain.name.trim() === '') throw invalid(`domains[${index}].name: should not be empty`);
    const key = domainLookupNames(domain.name.trim()).sort().join(',');
    if (seen.has(key)) throw invalid(`domains[${index}].name: duplicate domain`);
    seen.add(key);
    let ldapServerRef: string | null = null;
    // null counts as absent, as for every other optional field.
    if (domain.ldapserver_id != null) {
      ldapServerRef = ldapRefs.get(domain.ldapserver_id) ?? null;
      if (!ldapServerRef) {
        throw invalid(`domains[${index}].ldapserver_id: no LDAP server with this id`);
      }
    }
    return { ref: `d${index}`, name: domain.name.trim(), providerRef: 'p', ldapServerRef };
  });
  const domainRefs = domains.map((domain) => domain.ref);
  const servers: PlannedServer[] = [];
  const davServers: PlannedDavServer[] = [];
  for (const server of document.servers) {
    if (server.type in DEFAULT_PORTS) servers.push(mailServer(server, domainRefs));
    else davServers.push(davServer(server, domainRefs));
  }
  if (servers.length === 0) throw invalid('servers: at least one imap, pop or smtp server');
  return {
    providers: [{ ref: 'p', name: document.provider, shortName }],
    ldapServers,
    domains,
    servers,
    davServers,
  };
}

function mailServer(server: SeedServerDto, domainRefs: string[]): PlannedServer {
  const port = server.port ?? DEFAULT_PORTS[server.type] ?? 0;
  return {
    prio: server.prio ?? 10,
    name: server.name ?? '',
    port,
    type: server.type,
    socketType: IMPLICIT_TLS_PORTS.includes(port) ? 'SSL' : 'STARTTLS',
    userName: PLACEHOLDER_ADDRESS,
    authentication: 'plain',
    domainRefs,
  };
}

function davServer(server: SeedServerDto, domainRefs: string[]): PlannedDavServer {
  const url = server.url ?? '';
  return {
    url,
    port: server.port ?? 0,
    type: server.type,
    useSsl: url.toLowerCase().startsWith('https:'),
    domainRequired: true,
    userName: PLACEHOLDER_ADDRESS,
    domainRefs,
  };
}
