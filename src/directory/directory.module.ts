import { Module } from '@nestjs/common';
import { DirectoryPort } from './directory.port';
import { LdapDirectory } from './ldap-directory.adapter';

/** The directory (LDAP) lookup behind DirectoryPort. Needs AppConfigService (global). */
@Module({
  providers: [{ provide: DirectoryPort, useClass: LdapDirectory }],
  exports: [DirectoryPort],
})
export class DirectoryModule {}
