import 'reflect-metadata';
import type { DatabaseSnapshot } from '../database/export.repository';
import { containsSecrets, documentFromSnapshot, serialiseDocument } from './export-document';
import { EXPORT_FORMAT } from './export-format';
import { readImportDocument } from './import-document';

/** Rows as a database holds them after deletions: ids with gaps, out-of-order links. */
const SNAPSHOT: DatabaseSnapshot = {
  providers: [
    { id: 4, name: 'Big Corporation, Inc.', shortName: 'BigCorp' },
    { id: 9, name: 'Ham & Eggs', shortName: 'H+E' },
  ],
  ldapServers: [
    {
      id: 3,
      name: 'ldap.example.com',
      port: 636,
      useSsl: true,
      searchBase: 'dc=example,dc=com',
      searchFilter: '(mail={0})',
      attrUid: 'uid',
      attrCn: 'cn',
      bindPassword: 'secret',
      bindUser: 'cn=reader,dc=example,dc=com',
    },
  ],
  domains: [
    { id: 10, name: 'example.com', providerId: 4, ldapserverId: 3 },
    { id: 11, name: 'ham-n-eggs.tld', providerId: 9, ldapserverId: null },
    { id: 12, name: 'example.net', providerId: 4, ldapserverId: null },
  ],
  servers: [
    {
      id: 20,
      prio: 10,
      name: 'smtp.example.com',
      port: 587,
      type: 'smtp',
      socketType: 'STARTTLS',
      userName: '%EMAILADDRESS%',
      authentication: 'plain',
    },
    {
      id: 21,
      prio: 10,
      name: 'x.ham-n-eggs.tld',
      port: 123,
      type: 'INVALID',
      socketType: 'STARTTLS',
      userName: '%EMAILADDRESS%',
      authentication: 'plain',
    },
    {
      id: 22,
      prio: 10,
      name: 'orphan.example.com',
      port: 143,
      type: 'imap',
      socketType: 'None',
      userName: '',
      authentication: 'none',
    },
  ],
  davServers: [
    {
      id: 30,
      url: 'http://carddav.example.com',
      port: 0,
      type: 'carddav',
      useSsl: false,
      domainRequired: true,
      userName: null,
    },
  ],
  serverDomains: [
    { ownerId: 20, domainId: 12 },
    { ownerId: 20, domainId: 10 },
    { ownerId: 21, domainId: 11 },
  ],
  davServerDomains: [{ ownerId: 30, domainId: 10 }],
};

const without = (row: object, key: string) =>
  Object.fromEntries(Object.entries(row).filter(([name]) => name !== key));

describe('documentFromSnapshot', () => {
  it('writes every row in id order with ids renumbered from 1 and servers naming domains', () => {
    const document = documentFromSnapshot(SNAPSHOT);
    expect(document).toMatchObject({ version: 2, format: EXPORT_FORMAT, export_version: 1 });
    expect(document.providers).toEqual([
      { id: 1, name: 'Big Corporation, Inc.', short_name: 'BigCorp' },
      { id: 2, name: 'Ham & Eggs', short_name: 'H+E' },
    ]);
    expect(document.ldapservers).toEqual([
      {
        id: 1,
        name: 'ldap.example.com',
        port: 636,
        use_ssl: true,
        search_base: 'dc=example,dc=com',
        search_filter: '(mail={0})',
        attr_uid: 'uid',
        attr_cn: 'cn',
        bind_user: 'cn=reader,dc=example,dc=com',
        bind_password: 'secret',
      },
    ]);
    expect(document.domains).toEqual([
      { name: 'example.com', provider_id: 1, ldapserver_id: 1 },
      { name: 'ham-n-eggs.tld', provider_id: 2, ldapserver_id: null },
      { name: 'example.net', provider_id: 1, ldapserver_id: null },
    ]);
    expect(document.servers.map((server) => server.domains)).toEqual([
      ['example.com', 'example.net'],
      ['ham-n-eggs.tld'],
      [],
    ]);
    expect(document.servers[2]).toEqual({
      type: 'imap',
      name: 'orphan.example.com',
      port: 143,
      socket_type: 'None',
      user_name: '',
      authentication: 'none',
      prio: 10,
      domains: [],
    });
    expect(document.davservers).toEqual([
      {
        type: 'carddav',
        url: 'http://carddav.example.com',
        port: 0,
        use_ssl: false,
        domain_required: true,
        user_name: null,
        domains: ['example.com'],
      },
    ]);
  });

  it('reads back (import) as the same rows in the same order', () => {
    const { kind, plan } = readImportDocument(serialiseDocument(documentFromSnapshot(SNAPSHOT)));
    expect(kind).toBe('export');
    expect(plan.providers.map(({ name, shortName }) => ({ name, shortName }))).toEqual(
      SNAPSHOT.providers.map(({ name, shortName }) => ({ name, shortName })),
    );
    expect(plan.ldapServers.map((row) => without(row, 'ref'))).toEqual(
      SNAPSHOT.ldapServers.map((row) => without(row, 'id')),
    );
    expect(plan.domains.map((domain) => domain.name)).toEqual(
      SNAPSHOT.domains.map((domain) => domain.name),
    );
    expect(plan.servers.map((row) => without(row, 'domainRefs'))).toEqual(
      SNAPSHOT.servers.map((row) => without(row, 'id')),
    );
    expect(plan.servers.map((server) => server.domainRefs)).toEqual([['d0', 'd2'], ['d1'], []]);
    expect(plan.davServers[0]).toMatchObject({ userName: null, domainRefs: ['d0'] });
  });

  it('is stable: the same snapshot gives the same text', () => {
    expect(serialiseDocument(documentFromSnapshot(SNAPSHOT))).toBe(
      serialiseDocument(documentFromSnapshot(SNAPSHOT)),
    );
    expect(serialiseDocument(documentFromSnapshot(SNAPSHOT)).endsWith('}\n')).toBe(true);
  });

  it('refuses a snapshot whose rows refer to missing rows', () => {
    expect(() =>
      documentFromSnapshot({ ...SNAPSHOT, serverDomains: [{ ownerId: 20, domainId: 99 }] }),
    ).toThrow('missing domain 99');
  });
});

describe('containsSecrets', () => {
  it('is true when an LDAP server has bind credentials', () => {
    expect(containsSecrets(documentFromSnapshot(SNAPSHOT))).toBe(true);
    const anonymous = {
      ...SNAPSHOT,
      ldapServers: SNAPSHOT.ldapServers.map((server) => ({
        ...server,
        bindUser: null,
        bindPassword: '',
      })),
    };
    expect(containsSecrets(documentFromSnapshot(anonymous))).toBe(false);
    const noLdap = {
      ...SNAPSHOT,
      ldapServers: [],
      domains: SNAPSHOT.domains.map((domain) => ({ ...domain, ldapserverId: null })),
    };
    expect(containsSecrets(documentFromSnapshot(noLdap))).toBe(false);
  });
});
