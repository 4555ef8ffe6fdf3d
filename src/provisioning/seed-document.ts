import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { domainLookupNames } from '../mail-settings/domain-names';
import { DomainError } from '../common/domain-error';
import { PORT_RANGE, STORABLE_TEXT } from './field-rule.decorators';
import { SeedDocumentDto, type SeedServerDto } from './seed-document.dto';
import type { PlannedDavServer, PlannedServer, SeedPlan } from './plan';

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

/** How many of a refused document's problems to name: POST /initdb/ the first, `import` all. */
export type ProblemReport = 'first' | 'all';

type Checked = { readonly plan: SeedPlan } | { readonly problems: readonly string[] };

/**
 * Validates a seeding document and turns it into rows. A refused document throws
 * INVALID_SEED naming its first problem or, with `report` = 'all', every problem, one
 * per line (`field path: problem`). Field problems come first; the problems between
 * fields (duplicates, unknown ids, no mail server) are checked once the fields are valid.
 */
export function planFromDocument(body: unknown, report: ProblemReport = 'first'): SeedPlan {
  const checked = checkDocument(body);
  if ('plan' in checked) return checked.plan;
  const problems = report === 'all' ? checked.problems : checked.problems.slice(0, 1);
  throw invalid(problems.join('\n'));
}

function checkDocument(body: unknown): Checked {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { problems: ['document: expected a JSON object'] };
  }
  if (!('version' in body)) {
    // Not a document of this format at all: its other fields would only be noise.
    return { problems: ['version: missing (seeding format version 2 is required)'] };
  }
  const document = plainToInstance(SeedDocumentDto, body);
  const errors = validateSync(document, { forbidUnknownValues: false });
  if (errors.length === 0) return toPlan(document);
  const problems = fieldProblems(errors);
  return { problems: problems.length > 0 ? problems : ['document: invalid'] };
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
  PORT_RANGE,
  'maxLength',
  STORABLE_TEXT,
];

/** One line per failed property (its most basic constraint), in document order. */
function fieldProblems(errors: readonly ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${prefix}[${error.property}]`
      : prefix
        ? `${prefix}.${error.property}`
        : error.property;
    const constraints = error.constraints ?? {};
    const own = Object.keys(constraints).length > 0 ? propertyProblems(error, path) : [];
    // Entries reported as "must be an object" are not looked into.
    const notObjects = new Set(notObjectIndexes(error).map(String));
    const children = (error.children ?? []).filter((child) => !notObjects.has(child.property));
    return [...own, ...fieldProblems(children, path)];
  });
}

function propertyProblems(error: ValidationError, path: string): string[] {
  const constraints = error.constraints ?? {};
  if (error.value === undefined) return [`${path}: missing`];
  if (constraints['nestedValidation']) return [`${path}: must be an object`];
  const notObjects = notObjectIndexes(error);
  if (notObjects.length > 0)
    return notObjects.map((index) => `${path}[${index}]: must be an object`);
  const key = CONSTRAINT_ORDER.find((name) => constraints[name] !== undefined);
  const constraint = constraints[key ?? ''] ?? Object.values(constraints)[0] ?? 'invalid';
  return [`${path}: ${constraint.replace(/^\S+ /, '')}`];
}

/** The entries of a list that failed `IsObject({ each: true })` (none for other errors). */
function notObjectIndexes(error: ValidationError): number[] {
  if (!error.constraints?.['isObject'] || !Array.isArray(error.value)) return [];
  return (error.value as readonly unknown[]).flatMap((entry, index) =>
    typeof entry !== 'object' || entry === null || Array.isArray(entry) ? [index] : [],
  );
}

function toPlan(document: SeedDocumentDto): Checked {
  const problems: string[] = [];
  const shortName = document.provider.split(' ')[0] ?? '';
  if (shortName.length > 32) {
    problems.push('provider: the short name (text before the first space) exceeds 32 characters');
  }
  const ldapRefs = new Map<number, string>();
  const ldapServers = (document.ldapservers ?? []).map((server, index) => {
    const ref = `ldap${index}`;
    if (ldapRefs.has(server.id)) problems.push(`ldapservers[${index}].id: duplicate id`);
    else ldapRefs.set(server.id, ref);
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
    const name = domain.name.trim();
    if (name === '') {
      problems.push(`domains[${index}].name: should not be empty`);
    } else {
      const key = domainLookupNames(name).sort().join(',');
      if (seen.has(key)) problems.push(`domains[${index}].name: duplicate domain`);
      seen.add(key);
    }
    let ldapServerRef: string | null = null;
    // null counts as absent, as for every other optional field.
    if (domain.ldapserver_id != null) {
      ldapServerRef = ldapRefs.get(domain.ldapserver_id) ?? null;
      if (!ldapServerRef) {
        problems.push(`domains[${index}].ldapserver_id: no LDAP server with this id`);
      }
    }
    return { ref: `d${index}`, name, providerRef: 'p', ldapServerRef };
  });
  const domainRefs = domains.map((domain) => domain.ref);
  const servers: PlannedServer[] = [];
  const davServers: PlannedDavServer[] = [];
  for (const server of document.servers) {
    if (server.type in DEFAULT_PORTS) servers.push(mailServer(server, domainRefs));
    else davServers.push(davServer(server, domainRefs));
  }
  if (servers.length === 0) problems.push('servers: at least one imap, pop or smtp server');
  if (problems.length > 0) return { problems };
  return {
    plan: {
      providers: [{ ref: 'p', name: document.provider, shortName }],
      ldapServers,
      domains,
      servers,
      davServers,
    },
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
