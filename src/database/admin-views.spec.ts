import { etagOf } from '../admin/etag';
import type { DavServer, LdapServer, MailServer } from '../mail-settings/domain-settings';
import { domainView, withUsage, type DomainRows } from './admin-views';
import { settingsFromRows } from './settings-rows';
import { ROW_KIND } from './settings-sql';

const server = (id: number, prio: number, type = 'imap'): MailServer => ({
  id,
  prio,
  name: `${type}${id}.example.com`,
  port: 993,
  type,
  socketType: 'SSL',
  userName: '%EMAILADDRESS%',
  authentication: 'plain',
});

const dav = (id: number): DavServer => ({
  id,
  url: `https://dav${id}.example.com/`,
  port: 0,
  type: 'caldav',
  useSsl: true,
  domainRequired: false,
  userName: null,
});

const LDAP: LdapServer = {
  id: 3,
  name: 'ldap.example.com',
  port: 636,
  useSsl: true,
  searchBase: 'dc=example,dc=com',
  searchFilter: '(mail={0})',
  attrUid: 'uid',
  attrCn: null,
  bindPassword: 'secret',
  bindUser: 'cn=reader',
};

function rows(change: Partial<DomainRows> = {}): DomainRows {
  return {
    name: 'Example.com',
    provider: { id: 1, name: 'Example Inc.', shortName: 'Example' },
    ldapServer: null,
    servers: [server(1, 10)],
    davServers: [],
    ...change,
  };
}

describe('domainView', () => {
  it('answers the stored columns under their API names, in the documented key order', () => {
    const view = domainView(rows({ ldapServer: LDAP, davServers: [dav(2)] }));
    expect(JSON.stringify(view)).toBe(
      JSON.stringify({
        name: 'Example.com',
        provider: { id: 1, name: 'Example Inc.', short_name: 'Example' },
        ldapserver: {
          id: 3,
          name: 'ldap.example.com',
          port: 636,
          use_ssl: true,
          search_base: 'dc=example,dc=com',
          search_filter: '(mail={0})',
          attr_uid: 'uid',
          attr_cn: null,
          bind_user: 'cn=reader',
          bind_password: 'secret',
        },
        servers: [
          {
            id: 1,
            type: 'imap',
            name: 'imap1.example.com',
            port: 993,
            socket_type: 'SSL',
            user_name: '%EMAILADDRESS%',
            authentication: 'plain',
            prio: 10,
          },
        ],
        davservers: [
          {
            id: 2,
            type: 'caldav',
            url: 'https://dav2.example.com/',
            port: 0,
            use_ssl: true,
            domain_required: false,
            user_name: null,
          },
        ],
      }),
    );
  });

  it('orders servers by prio, then id (not by type), and DAV servers by id', () => {
    const view = domainView(
      rows({
        servers: [
          server(5, 20, 'imap'),
          server(9, 10, 'smtp'),
          server(2, 20, 'smtp'),
          server(7, -1, 'pop'),
        ],
        davServers: [dav(8), dav(3), dav(5)],
      }),
    );
    expect(view.servers.map((s) => s.id)).toEqual([7, 9, 2, 5]);
    expect(view.davservers.map((s) => s.id)).toEqual([3, 5, 8]);
  });

  it('orders them exactly as the client routes do (settings-rows.ts)', () => {
    const servers = [server(4, 10), server(1, 30), server(3, 10), server(2, 5), server(6, 30)];
    const davServers = [dav(4), dav(1), dav(2)];
    const clientRows = [
      {
        k: ROW_KIND.domain,
        o1: 0,
        o2: 0,
        d_id: 1,
        d_name: 'x',
        p_id: 1,
        p_name: 'P',
        p_short_name: 'P',
      },
      ...servers.map((s) => ({
        k: ROW_KIND.server,
        o1: s.prio,
        o2: s.id,
        s_id: s.id,
        s_prio: s.prio,
      })),
      ...davServers.map((v) => ({ k: ROW_KIND.davServer, o1: v.id, o2: 0, v_id: v.id })),
    ].reverse();
    const client = settingsFromRows(clientRows);
    const view = domainView(rows({ servers, davServers }));
    expect(view.servers.map((s) => s.id)).toEqual(client!.servers.map((s) => s.id));
    expect(view.davservers.map((s) => s.id)).toEqual(client!.davServers.map((s) => s.id));
  });

  it('leaves its input as it was', () => {
    const input = rows({ servers: [server(2, 1), server(1, 1)] });
    domainView(input);
    expect(input.servers.map((s) => s.id)).toEqual([2, 1]);
  });

  it('gives equal rows equal ETags and a changed column another one', () => {
    const a = etagOf(domainView(rows({ servers: [server(1, 10), server(2, 10)] })));
    const b = etagOf(domainView(rows({ servers: [server(2, 10), server(1, 10)] })));
    const c = etagOf(
      domainView(rows({ servers: [server(1, 10), { ...server(2, 10), port: 143 }] })),
    );
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});

describe('withUsage', () => {
  it('adds domain_count last', () => {
    expect(Object.keys(withUsage({ id: 1, name: 'P' }, 3))).toEqual(['id', 'name', 'domain_count']);
  });
});
