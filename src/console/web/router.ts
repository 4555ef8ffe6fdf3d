import { useEffect, useState } from 'preact/hooks';
import { parseRoute, type Route } from './routes';

/** The current route; follows `hashchange`, keeping the last route for a hash that is none. */
export function useHashRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash) ?? DOMAINS);
  useEffect(() => {
    const follow = () => {
      const next = parseRoute(window.location.hash);
      if (next !== null) setRoute(next);
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return route;
}

const DOMAINS: Route = { page: 'domains' };
