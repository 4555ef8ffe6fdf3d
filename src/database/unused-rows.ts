import type { EntityManager } from 'typeorm';
import { DavServerEntity } from './entities/davserver.entity';
import { LdapServerEntity } from './entities/ldapserver.entity';
import { ProviderEntity } from './entities/provider.entity';
import { ServerEntity } from './entities/server.entity';
import { inLists } from './in-lists';
import { idsInUse, type Usage } from './merge-reads';

/** Shared rows a change unlinked from some domain: candidates for deletion afterwards. */
export interface TouchedRows {
  readonly servers: Set<number>;
  readonly davServers: Set<number>;
  readonly ldapServers: Set<number>;
  readonly providers: Set<number>;
}

/** How many rows of each kind were deleted for being used by no domain any more. */
export interface RemovedRows {
  readonly servers: number;
  readonly davServers: number;
  readonly ldapServers: number;
  readonly providers: number;
}

export function noRowsTouched(): TouchedRows {
  return {
    servers: new Set(),
    davServers: new Set(),
    ldapServers: new Set(),
    providers: new Set(),
  };
}

/** Each kind of shared row, where domains refer to it, and its entity (for deletes). */
const KINDS = [
  ['servers', { owner: 'server', table: 'server_domain', column: 'server_id' }, ServerEntity],
  [
    'davServers',
    { owner: 'davserver', table: 'davserver_domain', column: 'davserver_id' },
    DavServerEntity,
  ],
  [
    'ldapServers',
    { owner: 'ldapserver', table: 'domain', column: 'ldapserver_id' },
    LdapServerEntity,
  ],
  ['providers', { owner: 'provider', table: 'domain', column: 'provider_id' }, ProviderEntity],
] as const satisfies readonly (readonly [keyof TouchedRows, Usage, unknown])[];

/**
 * Deletes the touched rows that no domain uses any more, once the change's own writes
 * are done (inside its transaction). Only the touched ids are checked, by index probes.
 */
export async function deleteUnusedRows(
  manager: EntityManager,
  touched: TouchedRows,
): Promise<RemovedRows> {
  const unused = new Map<keyof TouchedRows, number[]>();
  for (const [kind, usage] of KINDS) {
    const used = await idsInUse(manager, usage, touched[kind]);
    unused.set(
      kind,
      [...touched[kind]].filter((id) => !used.has(id)),
    );
  }
  const count = (kind: keyof TouchedRows) => unused.get(kind)?.length ?? 0;
  for (const [kind, , entity] of KINDS) {
    for (const list of inLists(unused.get(kind) ?? [])) await manager.delete(entity, list);
  }
  return {
    servers: count('servers'),
    davServers: count('davServers'),
    ldapServers: count('ldapServers'),
    providers: count('providers'),
  };
}
