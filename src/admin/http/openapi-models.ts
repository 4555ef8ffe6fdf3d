import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SharedKind } from '../admin-store';

/**
 * The bodies and views of the admin API as OpenAPI schemas (only the document reads
 * these classes; the answers are built in views.ts from the store's views). Field names
 * and types follow src/admin/admin-store.ts and the export format.
 */

export class ProviderColumns {
  @ApiProperty({ type: String, maxLength: 128, example: 'Example Inc.' })
  name!: string;

  @ApiProperty({ type: String, maxLength: 32, example: 'Example' })
  short_name!: string;
}

export class ServerColumns {
  @ApiProperty({ type: String, example: 'imap', description: 'imap, pop, smtp, …' })
  type!: string;

  @ApiProperty({ type: String, example: 'imap.example.com' })
  name!: string;

  @ApiProperty({ type: 'integer', example: 993 })
  port!: number;

  @ApiProperty({ type: String, example: 'SSL', description: 'SSL, STARTTLS or PLAIN' })
  socket_type!: string;

  @ApiProperty({ type: String, example: '%EMAILADDRESS%' })
  user_name!: string;

  @ApiProperty({ type: String, example: 'plain' })
  authentication!: string;

  @ApiProperty({ type: 'integer', example: 10, description: 'lower answers first' })
  prio!: number;
}

export class DavServerColumns {
  @ApiProperty({ type: String, example: 'caldav', description: 'caldav or carddav' })
  type!: string;

  @ApiProperty({ type: String, example: 'https://dav.example.com/' })
  url!: string;

  @ApiProperty({ type: 'integer', example: 0 })
  port!: number;

  @ApiProperty({ type: Boolean })
  use_ssl!: boolean;

  @ApiProperty({ type: Boolean })
  domain_required!: boolean;

  @ApiProperty({ type: String, nullable: true, example: '%EMAILADDRESS%' })
  user_name!: string | null;
}

export class LdapServerColumns {
  @ApiProperty({ type: String, example: 'ldap.example.com' })
  name!: string;

  @ApiProperty({ type: 'integer', example: 636 })
  port!: number;

  @ApiProperty({ type: Boolean })
  use_ssl!: boolean;

  @ApiProperty({ type: String, example: 'ou=people,dc=example,dc=com' })
  search_base!: string;

  @ApiProperty({ type: String, example: '(mail={0})' })
  search_filter!: string;

  @ApiProperty({ type: String, example: 'uid' })
  attr_uid!: string;

  @ApiProperty({ type: String, nullable: true, example: 'cn' })
  attr_cn!: string | null;

  @ApiProperty({ type: String, nullable: true })
  bind_user!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'returned to token holders, as export does',
  })
  bind_password!: string | null;
}

const ID = { type: 'integer', minimum: 1, example: 1 } as const;
const DOMAIN_COUNT = {
  type: 'integer',
  minimum: 0,
  description: 'how many domains use the row',
} as const;
const IGNORED = 'ignored in a PUT body';

export class Provider extends ProviderColumns {
  @ApiProperty(ID) id!: number;
}
export class Server extends ServerColumns {
  @ApiProperty(ID) id!: number;
}
export class DavServer extends DavServerColumns {
  @ApiProperty(ID) id!: number;
}
export class LdapServer extends LdapServerColumns {
  @ApiProperty(ID) id!: number;
}

export class ProviderUsage extends Provider {
  @ApiProperty(DOMAIN_COUNT) domain_count!: number;
}
export class ServerUsage extends Server {
  @ApiProperty(DOMAIN_COUNT) domain_count!: number;
}
export class DavServerUsage extends DavServer {
  @ApiProperty(DOMAIN_COUNT) domain_count!: number;
}
export class LdapServerUsage extends LdapServer {
  @ApiProperty(DOMAIN_COUNT) domain_count!: number;
}

/** PUT bodies of shared rows: the view, `id` and `domain_count` optional and ignored. */
export class ProviderBody extends ProviderColumns {
  @ApiPropertyOptional({ ...ID, description: IGNORED }) id?: number;
  @ApiPropertyOptional({ ...DOMAIN_COUNT, description: IGNORED }) domain_count?: number;
}
export class ServerBody extends ServerColumns {
  @ApiPropertyOptional({ ...ID, description: IGNORED }) id?: number;
  @ApiPropertyOptional({ ...DOMAIN_COUNT, description: IGNORED }) domain_count?: number;
}
export class DavServerBody extends DavServerColumns {
  @ApiPropertyOptional({ ...ID, description: IGNORED }) id?: number;
  @ApiPropertyOptional({ ...DOMAIN_COUNT, description: IGNORED }) domain_count?: number;
}
export class LdapServerBody extends LdapServerColumns {
  @ApiPropertyOptional({ ...ID, description: IGNORED }) id?: number;
  @ApiPropertyOptional({ ...DOMAIN_COUNT, description: IGNORED }) domain_count?: number;
}

/** Rows inside a domain body: `id` may be left out (it is ignored). */
export class DomainProvider extends ProviderColumns {
  @ApiPropertyOptional({ ...ID, description: IGNORED }) id?: number;
}
export class DomainServer extends ServerColumns {
  @ApiPropertyOptional({ ...ID, description: IGNORED }) id?: number;
}
export class DomainDavServer extends DavServerColumns {
  @ApiPropertyOptional({ ...ID, description: IGNORED }) id?: number;
}
export class DomainLdapServer extends LdapServerColumns {
  @ApiPropertyOptional({ ...ID, description: IGNORED }) id?: number;
}

export class DomainView {
  @ApiProperty({ type: String, description: 'the stored spelling', example: 'example.com' })
  name!: string;

  @ApiProperty({ type: () => Provider })
  provider!: Provider;

  @ApiProperty({ type: () => LdapServer, nullable: true })
  ldapserver!: LdapServer | null;

  @ApiProperty({
    type: () => Server,
    isArray: true,
    description: 'in answer order: prio, then type, then id',
  })
  servers!: Server[];

  @ApiProperty({ type: () => DavServer, isArray: true })
  davservers!: DavServer[];
}

/** The body of PUT /domains/{name}: the view; ids, `name`, ldapserver, davservers optional. */
export class DomainBody {
  @ApiPropertyOptional({
    type: String,
    description: 'must denote the domain of the path; sets the stored spelling',
  })
  name?: string;

  @ApiProperty({ type: () => DomainProvider, description: 'reused when one of that name exists' })
  provider!: DomainProvider;

  @ApiPropertyOptional({ type: () => DomainLdapServer, nullable: true })
  ldapserver?: DomainLdapServer | null;

  @ApiProperty({ type: () => DomainServer, isArray: true, minItems: 1 })
  servers!: DomainServer[];

  @ApiPropertyOptional({ type: () => DomainDavServer, isArray: true })
  davservers?: DomainDavServer[];
}

export class DomainListItem {
  @ApiProperty({ type: String, example: 'example.com' })
  name!: string;

  @ApiProperty({ type: String, description: "the provider's name", example: 'Example Inc.' })
  provider!: string;
}

const NEXT_CURSOR = {
  type: String,
  nullable: true,
  description: 'the `cursor` of the next page; null on the last page',
} as const;

export class DomainPage {
  @ApiProperty({ type: () => DomainListItem, isArray: true }) items!: DomainListItem[];
  @ApiProperty(NEXT_CURSOR) next_cursor!: string | null;
}
export class ProviderPage {
  @ApiProperty({ type: () => ProviderUsage, isArray: true }) items!: ProviderUsage[];
  @ApiProperty(NEXT_CURSOR) next_cursor!: string | null;
}
export class ServerPage {
  @ApiProperty({ type: () => ServerUsage, isArray: true }) items!: ServerUsage[];
  @ApiProperty(NEXT_CURSOR) next_cursor!: string | null;
}
export class DavServerPage {
  @ApiProperty({ type: () => DavServerUsage, isArray: true }) items!: DavServerUsage[];
  @ApiProperty(NEXT_CURSOR) next_cursor!: string | null;
}
export class LdapServerPage {
  @ApiProperty({ type: () => LdapServerUsage, isArray: true }) items!: LdapServerUsage[];
  @ApiProperty(NEXT_CURSOR) next_cursor!: string | null;
}

export class FieldProblem {
  @ApiProperty({ type: String, example: 'servers[0].port' })
  field!: string;

  @ApiProperty({ type: String, example: 'must be an integer from 1 to 65535' })
  error!: string;
}

/** Every error answer. */
export class ErrorBody {
  @ApiProperty({ type: String, example: 'not found' })
  error!: string;

  @ApiPropertyOptional({ type: String, description: 'a refused document: its first problem' })
  field?: string;

  @ApiPropertyOptional({
    type: () => FieldProblem,
    isArray: true,
    description: 'a refused document: every problem found',
  })
  problems?: FieldProblem[];
}

const COUNT = { type: 'integer', minimum: 0 } as const;
const DOCUMENT_KIND = {
  enum: ['export', 'seed-v2'],
  description: 'what the body was: an export document or a seeding document (version 2)',
} as const;

export class RemovedRows {
  @ApiProperty(COUNT) servers!: number;
  @ApiProperty(COUNT) davservers!: number;
  @ApiProperty(COUNT) ldapservers!: number;
  @ApiProperty(COUNT) providers!: number;
}

/** The answer to `POST /import?mode=merge`. */
export class MergeSummary {
  @ApiProperty({ enum: ['merge'] }) mode!: 'merge';
  @ApiProperty(DOCUMENT_KIND) kind!: string;
  @ApiProperty({ ...COUNT, description: 'domains created' }) added!: number;
  @ApiProperty({ ...COUNT, description: 'domains replaced' }) replaced!: number;
  @ApiProperty({ ...COUNT, description: 'domains merged into one (the same name)' })
  merged_away!: number;
  @ApiProperty({ type: () => RemovedRows, description: 'rows no domain uses any more' })
  removed!: RemovedRows;
}

/** The answer to `POST /import?mode=replace`: the rows the database holds now. */
export class ReplaceSummary {
  @ApiProperty({ enum: ['replace'] }) mode!: 'replace';
  @ApiProperty(DOCUMENT_KIND) kind!: string;
  @ApiProperty(COUNT) providers!: number;
  @ApiProperty(COUNT) domains!: number;
  @ApiProperty(COUNT) servers!: number;
  @ApiProperty(COUNT) davservers!: number;
  @ApiProperty(COUNT) ldapservers!: number;
}

/** The models of one shared kind, for the routes its controller declares. */
export interface SharedModels {
  /** The row with `domain_count` (GET, PUT answers). */
  readonly usage: new () => object;
  readonly body: new () => object;
  readonly page: new () => object;
}

export const SHARED_MODELS: Readonly<Record<SharedKind, SharedModels>> = {
  servers: { usage: ServerUsage, body: ServerBody, page: ServerPage },
  davservers: { usage: DavServerUsage, body: DavServerBody, page: DavServerPage },
  ldapservers: { usage: LdapServerUsage, body: LdapServerBody, page: LdapServerPage },
  providers: { usage: ProviderUsage, body: ProviderBody, page: ProviderPage },
};

const CLIENT_ENUM = { enum: ['thunderbird', 'k9', 'outlook', 'apple'] } as const;

/** One thing a client will do differently from what the data says (docs/doctor.md). */
export class Finding {
  @ApiProperty({ type: String, example: 'k9.pop-only', description: 'the rule or live check' })
  rule!: string;

  @ApiProperty({ enum: ['error', 'warning', 'info'] })
  severity!: string;

  @ApiProperty({ ...CLIENT_ENUM, isArray: true, description: 'the clients affected' })
  clients!: string[];

  @ApiProperty({ type: String, example: 'server 5 (pop1.example.com:143, pop)' })
  subject!: string;

  @ApiPropertyOptional({
    type: String,
    example: 'servers[0].type',
    description: 'the field of the domain view at fault, when one is',
  })
  field?: string;

  @ApiProperty({ type: String, description: 'what the client will do' })
  effect!: string;

  @ApiProperty({ type: String, description: 'how to fix it' })
  fix!: string;
}

/** The answer to `GET /domains/{name}/findings`. */
export class DoctorReport {
  @ApiProperty({ type: String, example: 'example.org', description: 'the domain as stored' })
  domain!: string;

  @ApiProperty({ type: Boolean, description: 'whether the live checks ran' })
  live!: boolean;

  @ApiProperty({ type: () => Finding, isArray: true, description: 'errors, warnings, info' })
  findings!: Finding[];

  @ApiProperty({
    type: String,
    isArray: true,
    description: 'the live checks that passed (empty without live checks)',
  })
  passed!: string[];
}

/** The answer to `GET /domains/{name}/dns`. */
export class DnsRecords {
  @ApiProperty({ type: String, example: 'example.org', description: 'the domain as stored' })
  domain!: string;

  @ApiProperty({
    type: String,
    isArray: true,
    description: 'zone-file lines as `automx2-nest dns` prints them, comment lines included',
  })
  records!: string[];
}

/** One client's answer in `GET /preview`. */
export class ClientPreview {
  @ApiProperty({ enum: ['thunderbird', 'outlook', 'apple', 'k9'] })
  client!: string;

  @ApiProperty({ type: String, example: 'Thunderbird' })
  label!: string;

  @ApiProperty({
    type: String,
    example: 'GET /mail/config-v1.1.xml?emailaddress=alice%40example.org',
    description: 'the request that client sends',
  })
  request!: string;

  @ApiProperty({ type: 'integer', example: 200, description: 'the HTTP status the route answers' })
  status!: number;

  @ApiProperty({ type: String, nullable: true, example: 'application/xml' })
  content_type!: string | null;

  @ApiProperty({
    type: String,
    description: 'the body as text (the Apple profile unsigned); empty when there is none',
  })
  document!: string;

  @ApiProperty({ type: Boolean, description: 'whether the client sets up an account from it' })
  accepted!: boolean;

  @ApiProperty({
    type: String,
    example:
      'IMAP imap.example.org:993 TLS, password, user alice@example.org; ' +
      'SMTP smtp.example.org:587 STARTTLS, password, user alice@example.org',
    description: 'the account the client sets up, or why there is none',
  })
  summary!: string;
}

/** The answer to `GET /preview`. */
export class PreviewAnswer {
  @ApiProperty({ type: String, example: 'alice@example.org' })
  address!: string;

  @ApiProperty({ type: String, example: 'example.org', description: 'the domain as stored' })
  domain!: string;

  @ApiProperty({
    type: () => ClientPreview,
    isArray: true,
    description: 'Thunderbird, Outlook, Apple devices, K-9, in this order',
  })
  clients!: ClientPreview[];
}
