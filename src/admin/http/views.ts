import {
  sharedEtag,
  type DomainView,
  type Page,
  type SharedKind,
  type SharedView,
  type WithUsage,
} from '../admin-store';
import { etagOf } from '../etag';
import { domainPath } from './admin-paths';

/**
 * The successful answers of the admin API: status, JSON body and headers, built here
 * and written by AdminAnswerInterceptor. A single resource's body is the JSON of the
 * very object its ETag is computed from (for a shared row: without `domain_count`).
 */

export const JSON_TYPE = 'application/json; charset=utf-8';

export class AdminAnswer {
  constructor(
    readonly status: number,
    /** The JSON text; undefined for 204. */
    readonly body: string | undefined,
    /** Headers besides Content-Type (ETag, Location). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** A list page: `{"items": […], "next_cursor": … | null}`. */
export function pageAnswer<T>(page: Page<T>): AdminAnswer {
  return new AdminAnswer(200, JSON.stringify({ items: page.items, next_cursor: page.nextCursor }));
}

/** A domain (GET): its view and ETag. */
export function domainAnswer(view: DomainView): AdminAnswer {
  return new AdminAnswer(200, JSON.stringify(view), { ETag: etagOf(view) });
}

/** PUT of a domain: 201 with `Location` (the stored name) when created, 200 when replaced. */
export function domainPutAnswer(result: {
  readonly created: boolean;
  readonly view: DomainView;
}): AdminAnswer {
  const { view, created } = result;
  if (!created) return domainAnswer(view);
  return new AdminAnswer(201, JSON.stringify(view), {
    ETag: etagOf(view),
    Location: domainPath(view.name),
  });
}

/**
 * A shared row (GET, PUT): its view with `domain_count`, and the store's ETag of the
 * row without the count (another domain using it is no change of the row).
 */
export function sharedAnswer(view: WithUsage<SharedView[SharedKind]>): AdminAnswer {
  return new AdminAnswer(200, JSON.stringify(view), { ETag: sharedEtag(view) });
}

/** A document the API serves as it is (openapi.json), already serialised. */
export function documentAnswer(json: string): AdminAnswer {
  return new AdminAnswer(200, json);
}

/** DELETE: 204, no body. */
export const NO_CONTENT = new AdminAnswer(204, undefined);

/** POST /import: the import's summary of what changed (counts), as the service gives it. */
export function importAnswer(summary: object): AdminAnswer {
  return new AdminAnswer(200, JSON.stringify(summary));
}
