import type { DomainListItem } from '../../admin/domain-view';
import type { Finding } from '../../doctor/finding';

/**
 * The admin API's JSON, as the console reads it (docs/admin-api.md): snake_case, as
 * answered. The row views and findings are the server's own type-only modules; the
 * shapes below are the wire forms of answers the server builds in its controllers.
 */

export type {
  DavServerView,
  DomainListItem,
  DomainView,
  LdapServerView,
  ProviderView,
  ServerView,
} from '../../admin/domain-view';
export type { Finding, Severity } from '../../doctor/finding';

export interface DomainPage {
  readonly items: readonly DomainListItem[];
  readonly next_cursor: string | null;
}

export interface Problem {
  readonly field?: string;
  readonly error: string;
}

/** An error answer: `{"error"}`, with `field` and `problems` for a refused document. */
export interface ErrorBody {
  readonly error: string;
  readonly field?: string;
  readonly problems?: readonly Problem[];
  readonly problems_total?: number;
}

export interface FindingsReport {
  readonly domain: string;
  readonly live: boolean;
  readonly findings: readonly Finding[];
  readonly passed: readonly string[];
}

export interface ClientPreview {
  readonly client: string;
  readonly label: string;
  readonly request: string;
  readonly status: number;
  readonly content_type: string | null;
  readonly document: string;
  readonly accepted: boolean;
  readonly summary: string;
}

export interface PreviewReport {
  readonly address: string;
  readonly domain: string;
  readonly clients: readonly ClientPreview[];
}

export interface DnsReport {
  readonly domain: string;
  readonly records: readonly string[];
}
