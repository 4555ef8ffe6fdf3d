import type {
  DomainView,
  LdapServerView,
  ProviderView,
  ServerView,
  WithUsage,
} from '../admin-store';
import type { ImportSummary } from '../bulk/bulk.service';
import {
  domainDeleted,
  domainWritten,
  importDone,
  sharedChanged,
  sharedDeleted,
} from './change-summaries';

const server: WithUsage<ServerView> = {
  id: 4,
  type: 'imap',
  name: 'imap.example.com',
  port: 993,
  socket_type: 'SSL',
  user_name: '%EMAILADDRESS%',
  authentication: 'plain',
  prio: 10,
  domain_count: 5000,
};

const ldap: WithUsage<LdapServerView> = {
  id: 2,
  name: 'ldap.example.com',
  port: 636,
  use_ssl: true,
  search_base: 'dc=example,dc=com',
  search_filter: '(mail={0})',
  attr_uid: 'uid',
  attr_cn: null,
  bind_user: 'cn=reader',
  bind_password: 'old secret',
  domain_count: 1,
};

const domain: DomainView = {
  name: 'example.com',
  provider: { id: 1, name: 'Example Inc.', short_name: 'Example' },
  ldapserver: null,
  servers: [server, { ...server, id: 5, type: 'smtp' }],
  davservers: [],
};

describe(domainWritten.name, () => {
  it('names the domain and counts its servers', () => {
    expect(domainWritten(true, domain)).toBe('created domain example.com (2 servers)');
    expect(domainWritten(false, { ...domain, servers: [server] })).toBe(
      'replaced domain example.com (1 server)',
    );
  });

  it('adds DAV servers and the LDAP server when there are any', () => {
    const davserver = {
      id: 1,
      type: 'caldav',
      url: 'https://dav.example.com/',
      port: 0,
      use_ssl: true,
      domain_required: true,
      user_name: null,
    };
    expect(domainWritten(true, { ...domain, davservers: [davserver], ldapserver: ldap })).toBe(
      'created domain example.com (2 servers, 1 davserver, ldapserver ldap.example.com)',
    );
  });

  it('never shows the LDAP bind password', () => {
    expect(domainWritten(true, { ...domain, ldapserver: ldap })).not.toContain('secret');
  });

  it('quotes a name that is not one plain word', () => {
    expect(domainDeleted('a b\nc')).toBe('deleted domain "a b\\nc"');
    expect(domainDeleted('bücher.example')).toBe('deleted domain bücher.example');
  });
});

describe(sharedChanged.name, () => {
  it('lists each changed column with its old and new value, and the domains using it', () => {
    expect(sharedChanged('servers', server, { ...server, name: 'imap2.example.com' })).toBe(
      'changed server 4 (name imap.example.com → imap2.example.com), used by 5000 domains',
    );
    expect(
      sharedChanged('servers', server, { ...server, port: 995, prio: 5, domain_count: 1 }),
    ).toBe('changed server 4 (port 993 → 995, prio 10 → 5), used by 1 domain');
  });

  it('says so when nothing changed, or the row was not read before', () => {
    expect(sharedChanged('servers', server, server)).toBe(
      'changed server 4 (no change), used by 5000 domains',
    );
    expect(sharedChanged('servers', null, server)).toBe(
      'changed server 4 (no change), used by 5000 domains',
    );
  });

  it('reports a changed bind password without either value', () => {
    const summary = sharedChanged('ldapservers', ldap, {
      ...ldap,
      bind_password: 'new secret',
      attr_cn: 'cn',
    });
    expect(summary).toBe(
      'changed ldapserver 2 (attr_cn null → cn, bind_password changed), used by 1 domain',
    );
    expect(summary).not.toMatch(/secret/);
  });

  it('quotes values with spaces and bounds long ones', () => {
    const provider: WithUsage<ProviderView> = {
      id: 1,
      name: 'Example Inc.',
      short_name: 'Example',
      domain_count: 0,
    };
    expect(sharedChanged('providers', provider, { ...provider, name: 'Other Corp' })).toBe(
      'changed provider 1 (name "Example Inc." → "Other Corp"), used by 0 domains',
    );
    const long = sharedChanged('providers', provider, { ...provider, short_name: 'x'.repeat(500) });
    expect(long.length).toBeLessThan(200);
    expect(long).toContain(`${'x'.repeat(80)}…`);
  });
});

describe(sharedDeleted.name, () => {
  it('names the kind and id', () => {
    expect(sharedDeleted('davservers', 7)).toBe('deleted davserver 7');
  });
});

describe(importDone.name, () => {
  const merge: ImportSummary = {
    mode: 'merge',
    kind: 'export',
    added: 3,
    replaced: 1,
    merged_away: 0,
    removed: { servers: 0, davservers: 0, ldapservers: 0, providers: 0 },
  };

  it('counts what a merge added and replaced', () => {
    expect(importDone(merge)).toBe('import merge: 3 added, 1 replaced');
  });

  it('adds what was merged away and removed, when anything was', () => {
    expect(
      importDone({
        ...merge,
        merged_away: 2,
        removed: { servers: 1, davservers: 0, ldapservers: 0, providers: 2 },
      }),
    ).toBe('import merge: 3 added, 1 replaced, 2 merged away, removed 1 server, 2 providers');
  });

  it('counts the rows a replacement loaded', () => {
    expect(
      importDone({
        mode: 'replace',
        kind: 'seed-v2',
        providers: 1,
        domains: 10,
        servers: 12,
        davservers: 0,
        ldapservers: 1,
      }),
    ).toBe('import replace: 1 provider, 10 domains, 12 servers, 0 davservers, 1 ldapserver');
  });
});
