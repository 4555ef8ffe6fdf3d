import { DavServerEntity } from './davserver.entity';
import { DomainEntity } from './domain.entity';
import { LdapServerEntity } from './ldapserver.entity';
import { ProviderEntity } from './provider.entity';
import { ServerEntity } from './server.entity';

export const ALL_ENTITIES = [
  ProviderEntity,
  LdapServerEntity,
  DomainEntity,
  ServerEntity,
  DavServerEntity,
];
