/**
 * A small typed client of the admin API (`/admin/api/v1/`, docs/admin-api.md) over
 * node:http, so that tests control every byte: any method, any header (a malformed
 * Authorization, a wrong Content-Type, X-Forwarded-For), raw bodies (invalid UTF-8),
 * and the source address of the connection (two clients on one machine).
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type {
  DavServerView,
  DomainListItem,
  DomainView,
  LdapServerView,
  ProviderView,
  ServerView,
  SharedKind,
} from '../../src/admin/admin-store';

export const ADMIN_BASE = '/admin/api/v1';

/** What the server answered, with the body both as bytes and, when it is JSON, parsed. */
export interface AdminAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
  /** The parsed body; undefined when it is empty or not JSON. */
  readonly json: unknown;
}

export interface SendOptions {
  /** An object is sent as JSON; a string or Buffer as given. */
  readonly body?: string | Buffer | object;
  /** Default `application/json` when there is a body; null sends no Content-Type. */
  readonly contentType?: string | null;
  /**
   * The Authorization header as sent; default `Bearer <the client's token>` (none when
   * the client has no token); null sends none.
   */
  readonly authorization?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send the body chunked, without Content-Length. */
  readonly chunked?: boolean;
}

/** A page of a list as the API answers it. */
export interface PageAnswer<T> {
  readonly items: T[];
  readonly next_cursor: string | null;
}

/** The view of a shared row (`GET /servers/{id}` and its kin). */
export type SharedAnswer = {
  readonly servers: ServerView;
  readonly davservers: DavServerView;
  readonly ldapservers: LdapServerView;
  readonly providers: ProviderView;
};

export interface ClientOptions {
  /** Local address to connect from (127.0.0.2 is a second client on loopback). */
  readonly localAddress?: string;
  /** Headers sent with every request (X-Forwarded-For). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The path of a domain: its name percent-encoded as one segment. */
export const domainPath = (name: string): string => `/domains/${encodeURIComponent(name)}`;

export class AdminClient {
  constructor(
    /** The application's base URL, e.g. http://127.0.0.1:40123 */
    readonly baseUrl: string,
    readonly token: string | null,
    private readonly options: ClientOptions = {},
  ) {}

  /** The same client with another token (null: none). */
  withToken(token: string | null): AdminClient {
    return new AdminClient(this.baseUrl, token, this.options);
  }

  /** The same client connecting from `localAddress` and sending `headers` too. */
  with(options: ClientOptions): AdminClient {
    return new AdminClient(this.baseUrl, this.token, {
      ...this.options,
      ...options,
      headers: { ...this.options.headers, ...options.headers },
    });
  }

  /** A request to a path of the API (`/domains`), or to any path starting with `//`. */
  send(method: string, path: string, options: SendOptions = {}): Promise<AdminAnswer> {
    const target = path.startsWith('//') ? path.slice(1) : `${ADMIN_BASE}${path}`;
    return this.sendRaw(method, target, options);
  }

  /** A request to `target` exactly as given (path and query, already encoded). */
  sendRaw(method: string, target: string, options: SendOptions = {}): Promise<AdminAnswer> {
    const url = new URL(this.baseUrl);
    const headers: Record<string, string> = { ...this.options.headers };
    const authorization =
      options.authorization === undefined
        ? this.token === null
          ? null
          : `Bearer ${this.token}`
        : options.authorization;
    if (authorization !== null) headers.Authorization = authorization;
    let body: Buffer | undefined;
    if (options.body !== undefined) {
      body = Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(
            typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
            'utf8',
          );
      const type = options.contentType === undefined ? 'application/json' : options.contentType;
      if (type !== null) headers['Content-Type'] = type;
      if (options.chunked) headers['Transfer-Encoding'] = 'chunked';
      else headers['Content-Length'] = String(body.length);
    } else if (options.contentType) {
      headers['Content-Type'] = options.contentType;
    }
    Object.assign(headers, options.headers);
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method,
          path: target,
          headers,
          // A connection per request: an answer that closes its connection (413) must
          // not leave a dead socket for the next request of the test.
          agent: false,
          ...(this.options.localAddress !== undefined && {
            localAddress: this.options.localAddress,
          }),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const bytes = Buffer.concat(chunks);
            const text = bytes.toString('utf8');
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: bytes,
              text,
              json: parseJson(text),
            });
          });
        },
      );
      request.on('error', reject);
      if (body !== undefined && options.chunked) {
        // Several chunks, as a streaming client sends them.
        for (let start = 0; start < body.length; start += 64 * 1024) {
          request.write(body.subarray(start, start + 64 * 1024));
        }
        request.end();
      } else {
        request.end(body);
      }
    });
  }

  get(path: string, options?: SendOptions): Promise<AdminAnswer> {
    return this.send('GET', path, options);
  }

  put(path: string, body: SendOptions['body'], options: SendOptions = {}): Promise<AdminAnswer> {
    return this.send('PUT', path, { ...options, body });
  }

  post(path: string, body: SendOptions['body'], options: SendOptions = {}): Promise<AdminAnswer> {
    return this.send('POST', path, { ...options, body });
  }

  delete(path: string, options?: SendOptions): Promise<AdminAnswer> {
    return this.send('DELETE', path, options);
  }

  // ---- typed helpers: each expects success and throws with the answer otherwise ----

  async domain(name: string): Promise<{ view: DomainView; etag: string }> {
    const answer = expectStatus(await this.get(domainPath(name)), 200);
    return { view: answer.json as DomainView, etag: etagOf(answer) };
  }

  /** PUT of a domain view; 200 or 201. */
  async putDomain(name: string, view: object): Promise<DomainView> {
    const answer = await this.put(domainPath(name), view);
    if (answer.status !== 200 && answer.status !== 201) throw unexpected(answer, '200 or 201');
    return answer.json as DomainView;
  }

  async shared<K extends SharedKind>(
    kind: K,
    id: number,
  ): Promise<{ view: SharedAnswer[K] & { domain_count: number }; etag: string }> {
    const answer = expectStatus(await this.get(`/${kind}/${id}`), 200);
    return {
      view: answer.json as SharedAnswer[K] & { domain_count: number },
      etag: etagOf(answer),
    };
  }

  async page<T>(
    path: string,
    query: Readonly<Record<string, string>> = {},
  ): Promise<PageAnswer<T>> {
    const search = new URLSearchParams(query).toString();
    const answer = expectStatus(await this.get(search ? `${path}?${search}` : path), 200);
    return answer.json as PageAnswer<T>;
  }

  /**
   * Every item of a paged list, following `next_cursor`; `between` runs after each
   * page (concurrent changes while paging). At most `maxPages` pages (a hang guard).
   */
  async walk<T>(
    path: string,
    query: Readonly<Record<string, string>> = {},
    between?: (pageIndex: number) => Promise<void>,
    maxPages = 10_000,
  ): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    for (let index = 0; index < maxPages; index += 1) {
      const page: PageAnswer<T> = await this.page<T>(path, {
        ...query,
        ...(cursor !== null && { cursor }),
      });
      items.push(...page.items);
      if (page.next_cursor === null) return items;
      cursor = page.next_cursor;
      if (between) await between(index);
    }
    throw new Error(`${path}: more than ${maxPages} pages`);
  }

  /** Every domain (name order), as `GET /domains` lists them. */
  domains(query: Readonly<Record<string, string>> = {}): Promise<DomainListItem[]> {
    return this.walk<DomainListItem>('/domains', { limit: '500', ...query });
  }

  /** `GET /export` as text. */
  async exportText(): Promise<string> {
    return expectStatus(await this.get('/export'), 200).text;
  }
}

/** The answer's ETag header; throws when there is none. */
export function etagOf(answer: AdminAnswer): string {
  const etag = answer.headers.etag;
  if (typeof etag !== 'string' || etag === '') throw unexpected(answer, 'an ETag header');
  return etag;
}

/** Returns the answer when its status is `status`, else throws with what came instead. */
export function expectStatus(answer: AdminAnswer, status: number): AdminAnswer {
  if (answer.status !== status) throw unexpected(answer, String(status));
  return answer;
}

function unexpected(answer: AdminAnswer, expected: string): Error {
  return new Error(`expected ${expected}, got ${answer.status}: ${answer.text.slice(0, 500)}`);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
