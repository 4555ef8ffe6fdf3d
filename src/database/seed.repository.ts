import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SeedPlan } from '../provisioning/plan';
import { DataChanges } from './data-changes';
import { DatabaseConnection } from './database-connection.service';
import { DavServerEntity } from './entities/davserver.entity';
import { ALL_ENTITIES } from './entities/all-entities';
import { DomainEntity } from './entities/domain.entity';
import { LdapServerEntity } from './entities/ldapserver.entity';
import { ProviderEntity } from './entities/provider.entity';
import { ServerEntity } from './entities/server.entity';
import { mergePlan, type MergeReport } from './plan-merge';
import { explainRejection } from './rejection';
import { writeExclusively } from './exclusive-write';

export type SeedOutcome = 'loaded' | 'already-populated';

/** Link tables first, then the rows they point at (foreign keys). */
const PURGE_ORDER = [
  'server_domain',
  'davserver_domain',
  'server',
  'davserver',
  'domain',
  'ldapserver',
  'provider',
];

/** Writes seed plans and purges, each in one transaction, serialised across replicas. */
@Injectable()
export class SeedRepository {
  constructor(
    private readonly connection: DatabaseConnection,
    private readonly changes: DataChanges,
  ) {}

  /**
   * Loads the plan unless a provider exists; one transaction, all or nothing. The plan
   * is made (and validated) only when it is going to be loaded.
   */
  loadIfEmpty(makePlan: () => SeedPlan): Promise<SeedOutcome> {
    return this.exclusively(async (manager) => {
      if ((await manager.count(ProviderEntity)) > 0) return 'already-populated';
      await insertPlan(manager, makePlan());
      return 'loaded';
    });
  }

  async purge(): Promise<void> {
    await this.exclusively(async (manager) => {
      for (const table of PURGE_ORDER) {
        await manager.createQueryBuilder().delete().from(table).execute();
      }
    });
  }

  /**
   * Loads the plan into a database that has no rows at all (`automx2-nest import`);
   * one transaction, all or nothing.
   */
  loadIntoEmpty(plan: SeedPlan): Promise<SeedOutcome> {
    return this.exclusively(async (manager) => {
      for (const entity of ALL_ENTITIES) {
        if ((await manager.count(entity)) > 0) return 'already-populated';
      }
      await explainRejection(() => insertPlan(manager, plan));
      return 'loaded';
    });
  }

  /**
   * Deletes every row, then loads the plan (`import --replace`); one transaction. A
   * rejection by the database is reported as a `rejectedField: …` line when given.
   */
  async replaceAll(plan: SeedPlan, rejectedField?: string): Promise<void> {
    await this.exclusively(async (manager) => {
      for (const table of PURGE_ORDER) {
        await manager.createQueryBuilder().delete().from(table).execute();
      }
      await explainRejection(() => insertPlan(manager, plan), rejectedField);
    });
  }

  /**
   * Adds or replaces the plan's domains by name (`import --merge`); one transaction. A
   * rejection by the database is reported as a `rejectedField: …` line when given.
   */
  mergeDomains(plan: SeedPlan, rejectedField?: string): Promise<MergeReport> {
    return this.exclusively((manager) =>
      explainRejection(() => mergePlan(manager, plan), rejectedField),
    );
  }

  /** One write transaction under the writers' lock, then caches are told (exclusive-write.ts). */
  private exclusively<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return writeExclusively(this.connection, this.changes, work);
  }
}

async function insertPlan(manager: EntityManager, plan: SeedPlan): Promise<void> {
  const ids = new Map<string, number>();
  for (const provider of plan.providers) {
    const saved = await manager.save(
      manager.create(ProviderEntity, { name: provider.name, shortName: provider.shortName }),
    );
    ids.set(`provider:${provider.ref}`, saved.id);
  }
  for (const server of plan.ldapServers) {
    const { ref, ...columns } = server;
    const saved = await manager.save(manager.create(LdapServerEntity, columns));
    ids.set(`ldap:${ref}`, saved.id);
  }
  const domains = new Map<string, DomainEntity>();
  for (const domain of plan.domains) {
    const saved = await manager.save(
      manager.create(DomainEntity, {
        name: domain.name,
        providerId: required(ids, `provider:${domain.providerRef}`),
        ldapserverId: domain.ldapServerRef ? required(ids, `ldap:${domain.ldapServerRef}`) : null,
      }),
    );
    domains.set(domain.ref, saved);
  }
  const linked = (refs: readonly string[]) =>
    refs.map((ref) => {
      const domain = domains.get(ref);
      if (!domain) throw new Error(`seed plan links unknown domain ${ref}`);
      return domain;
    });
  for (const { domainRefs, ...columns } of plan.servers) {
    await manager.save(manager.create(ServerEntity, { ...columns, domains: linked(domainRefs) }));
  }
  for (const { domainRefs, ...columns } of plan.davServers) {
    await manager.save(
      manager.create(DavServerEntity, { ...columns, domains: linked(domainRefs) }),
    );
  }
}

function required(ids: Map<string, number>, key: string): number {
  const id = ids.get(key);
  if (id === undefined) throw new Error(`seed plan refers to unknown ${key}`);
  return id;
}
