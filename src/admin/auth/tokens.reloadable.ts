import type { INestApplication } from '@nestjs/common';
import { UNCHANGED, type Reloadable } from '../../reload/reloadable';
import { TokenStore } from './token-store';

/**
 * The tokens of `admin_tokens_file`, re-read at once on SIGHUP (they are also picked up
 * within seconds without it). The file's name itself takes effect only with a restart:
 * the reloadable owns no configuration field, so a changed `admin_*` key gets the
 * reload's "needs a restart" warning.
 */
export function adminTokensReloadable(store: TokenStore): Reloadable {
  return {
    name: 'the tokens of admin_tokens_file',
    fields: [],
    apply: () => {
      const outcome = store.refreshSync();
      switch (outcome.kind) {
        case 'unchanged':
          return UNCHANGED;
        case 'reloaded':
          return {
            kind: 'changed',
            message: outcome.missing
              ? `admin tokens: none in effect, ${store.path} does not exist`
              : `admin tokens: ${outcome.tokens} in effect from ${store.path}`,
          };
        case 'kept':
          return {
            kind: 'kept',
            reason:
              `admin_tokens_file ${store.path}: ${outcome.problem}; the ${outcome.tokens} ` +
              'tokens read before stay in effect',
          };
      }
    },
  };
}

/** The application's TokenStore, or null while the admin API is off (no AdminModule). */
export function findTokenStore(app: INestApplication): TokenStore | null {
  try {
    return app.get(TokenStore, { strict: false });
  } catch {
    return null;
  }
}
