import { useEffect, useRef, useState } from 'preact/hooks';
import { apiPath, ApiError, callApi, errorMessage, isAbort } from '../api';
import type { DomainPage } from '../api-types';
import { domainHash } from '../routes';

export const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;

/** Where the list was, so that coming back from a domain shows the same page. */
interface ListPosition {
  readonly search: string;
  /** The cursors of the pages before the current one's; empty on the first page. */
  readonly cursors: readonly string[];
}

let lastPosition: ListPosition = { search: '', cursors: [] };

/**
 * One page of domains at a time (the API's cursor paging), so the list is as fast with
 * a million domains as with ten. Search runs as you type (debounced) and on Enter; an
 * answer to an older request than the latest is dropped.
 */
export function DomainList() {
  const [search, setSearch] = useState(lastPosition.search);
  const [position, setPosition] = useState<ListPosition>(lastPosition);
  const [page, setPage] = useState<DomainPage | null>(null);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    lastPosition = position;
    const controller = new AbortController();
    const cursor = position.cursors[position.cursors.length - 1];
    setLoading(true);
    callApi<DomainPage>(
      apiPath('domains', {
        limit: String(PAGE_SIZE),
        search: position.search === '' ? undefined : position.search,
        cursor,
      }),
      { signal: controller.signal },
    )
      .then((answer) => {
        if (controller.signal.aborted) return;
        setLoading(false);
        if (answer.status === 200 && answer.body !== null) {
          setPage(answer.body);
          setProblem(null);
        } else if (answer.status !== 401) {
          setProblem(errorMessage(answer));
        }
      })
      .catch((error: unknown) => {
        if (isAbort(error) || controller.signal.aborted) return;
        setLoading(false);
        setProblem(error instanceof ApiError ? error.message : String(error));
      });
    return () => controller.abort();
  }, [position, reloads]);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const searchNow = (text: string) => {
    window.clearTimeout(timer.current);
    setPosition({ search: text.trim(), cursors: [] });
    setReloads((count) => count + 1);
  };

  const onSearchInput = (text: string) => {
    setSearch(text);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      setPosition((before) =>
        before.search === text.trim() && before.cursors.length === 0
          ? before
          : { search: text.trim(), cursors: [] },
      );
    }, SEARCH_DELAY_MS);
  };

  const nextCursor = page?.next_cursor ?? null;
  const pageNumber = position.cursors.length + 1;
  const items = page?.items ?? [];

  return (
    <section aria-labelledby="domains-title">
      <h2 id="domains-title" tabIndex={-1}>
        Domains
      </h2>
      <form
        class="search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          searchNow(search);
        }}
      >
        <label for="domain-search">Search domains</label>
        <input
          id="domain-search"
          type="search"
          autocomplete="off"
          spellcheck={false}
          value={search}
          onInput={(event) => onSearchInput(event.currentTarget.value)}
        />
      </form>
      {problem !== null && (
        <p role="alert" class="alert">
          {problem}
        </p>
      )}
      <p role="status" class="list-status">
        {loading
          ? 'Loading…'
          : items.length === 0
            ? position.search === ''
              ? 'No domains.'
              : `No domain contains “${position.search}”.`
            : `Page ${pageNumber}: ${items.length} domain${items.length === 1 ? '' : 's'}${
                position.search === '' ? '' : ` containing “${position.search}”`
              }.`}
      </p>
      <ul id="domain-list" aria-label="Domains" aria-busy={loading} class="domain-list">
        {items.map((item) => (
          <li key={item.name}>
            <a href={domainHash(item.name)}>{item.name}</a>{' '}
            <span class="provider">{item.provider}</span>
          </li>
        ))}
      </ul>
      <div class="pager">
        <button
          type="button"
          disabled={position.cursors.length === 0}
          onClick={() => setPosition({ search: position.search, cursors: [] })}
        >
          First page
        </button>
        <button
          type="button"
          disabled={position.cursors.length === 0}
          onClick={() =>
            setPosition({ search: position.search, cursors: position.cursors.slice(0, -1) })
          }
        >
          Previous page
        </button>
        <button
          type="button"
          disabled={loading || nextCursor === null}
          onClick={() => {
            if (nextCursor !== null) {
              setPosition({ search: position.search, cursors: [...position.cursors, nextCursor] });
            }
          }}
        >
          Next page
        </button>
      </div>
    </section>
  );
}
