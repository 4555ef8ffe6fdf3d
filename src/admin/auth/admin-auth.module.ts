import { Module } from '@nestjs/common';
import { AppConfigService } from '../../config/app-config.service';
import { ConfigProblems } from '../../config/load-config';
import { AuditLog } from '../audit/audit-log';
import { AdminAuthGuard } from './admin-auth.guard';
import { tokenFileProblem, tokenFileWhere } from './token-file-check';
import { TokenFileError } from './token-file-format';
import { TokenStore } from './token-store';

/**
 * Authentication and the audit trail of the admin API: the tokens of `admin_tokens_file`
 * (read while the application is built: a file that cannot be used stops start-up as a
 * configuration error), the guard and the audit log. Imported by AdminModule, which
 * exists only while `admin_tokens_file` is set.
 */
@Module({
  providers: [
    { provide: TokenStore, useFactory: openTokenStore, inject: [AppConfigService] },
    AdminAuthGuard,
    AuditLog,
  ],
  exports: [TokenStore, AdminAuthGuard, AuditLog],
})
export class AdminAuthModule {}

async function openTokenStore(config: AppConfigService): Promise<TokenStore> {
  const { sourceFile, admin } = config.values;
  if (admin.tokensFile === null) {
    throw new Error('the admin API needs admin_tokens_file (AdminModule must not be loaded)');
  }
  try {
    return await TokenStore.open(admin.tokensFile);
  } catch (error) {
    if (!(error instanceof TokenFileError)) throw error;
    throw new ConfigProblems([
      tokenFileProblem(tokenFileWhere(sourceFile, admin.tokensFile), error),
    ]);
  }
}
