import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { setUnauthorizedHandler } from '../api';
import { useHashRoute } from '../router';
import { clearToken, loadToken } from '../token';
import { DomainList } from './domain-list';
import { DomainPage } from './domain-page';
import { SignIn } from './sign-in';

/** The page: heading, sign-in until a token is kept, then the routed page. */
export function App() {
  const [token, setToken] = useState<string | null>(() => loadToken());
  const [notice, setNotice] = useState<string | null>(null);
  const route = useHashRoute();
  const firstRoute = useRef(true);

  // After a page change or signing in or out, focus moves to the new page's heading
  // (screen readers announce it, and Tab continues from there); not on the first page.
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    document.querySelector<HTMLElement>('#main h2')?.focus();
  }, [route, token]);

  const signOut = useCallback((message: string | null) => {
    clearToken();
    setToken(null);
    setNotice(message);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler((message) => signOut(message));
    return () => setUnauthorizedHandler(() => undefined);
  }, [signOut]);

  const skipToMain = (event: Event) => {
    event.preventDefault();
    document.getElementById('main')?.focus();
  };

  return (
    <>
      <a class="skip-link" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <header class="top">
        <h1>automx2-nest console</h1>
        {token !== null && (
          <button type="button" onClick={() => signOut(null)}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {token === null ? (
          <SignIn
            notice={notice}
            onSignedIn={(kept) => {
              setNotice(null);
              setToken(kept);
            }}
          />
        ) : route.page === 'domain' ? (
          <DomainPage key={route.name} name={route.name} />
        ) : route.page === 'unknown' ? (
          <section aria-labelledby="unknown-title">
            <h2 id="unknown-title" tabIndex={-1}>
              Page not found
            </h2>
            <p>
              <a href="#/">All domains</a>
            </p>
          </section>
        ) : (
          <DomainList />
        )}
      </main>
    </>
  );
}
