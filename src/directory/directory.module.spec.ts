import { Test } from '@nestjs/testing';
import { AppConfigModule } from '../config/app-config.module';
import { loadConfig } from '../config/load-config';
import { DirectoryModule } from './directory.module';
import { DirectoryPort } from './directory.port';
import { LdapDirectory } from './ldap-directory.adapter';

describe(DirectoryModule.name, () => {
  it('provides DirectoryPort as LdapDirectory, configured from AppConfigService', async () => {
    const { config } = loadConfig({
      locator: { env: {}, home: '/nonexistent', exists: () => false },
    });
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config), DirectoryModule],
    }).compile();
    expect(moduleRef.get(DirectoryPort)).toBeInstanceOf(LdapDirectory);
    await moduleRef.close();
  });
});
