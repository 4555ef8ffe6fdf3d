import type { INestApplication } from '@nestjs/common';
import { adminTokensReloadable, findTokenStore } from '../admin/auth/tokens.reloadable';
import type { AppLogger } from '../common/app-logger';
import type { AppConfig } from '../config/app-config';
import { ProfileSignerSlot } from '../mobileconfig/profile-signer-slot';
import { signingReloadable } from '../mobileconfig/signing.reloadable';
import { logLevelReloadable } from './log-level.reloadable';
import type { Reloadable } from './reloadable';

/**
 * Everything a reload (SIGHUP) takes over from the re-read configuration, in the order
 * of its log lines: the one place to add another reloadable thing. `app` is null in
 * the cluster primary, which serves nothing (its workers reload for themselves).
 */
export function reloadables(
  logger: AppLogger,
  startup: AppConfig,
  app: INestApplication | null,
): Reloadable[] {
  const all = [logLevelReloadable(logger, startup.loglevel)];
  if (app === null) return all;
  all.push(signingReloadable(app.get(ProfileSignerSlot)));
  const tokens = startup.admin.tokensFile === null ? null : findTokenStore(app);
  if (tokens !== null) all.push(adminTokensReloadable(tokens));
  return all;
}
