import { settingsFromRows } from './settings-rows';
import { ROW_KIND, settingsSql } from './settings-sql';

const domainRow = {
  k: ROW_KIND.domain,
  d_id: 7,
  d_name: 'example.org',
  p_id: '3',
  p_name: 'Example',
  p_short_name: 'Ex',
  l_id: null,
};

describe('settingsFromRows', () => {
  it('builds the settings from the rows of every kind, each list in its order', () => {
    const settings = settingsFromRows([
      { k: ROW_KIND.server, o1: 10, o2: 4, s_id: 4, s_prio: 10, s_name: 'imap.example.org' },
      { k: ROW_KIND.providerDomain, o1: 9, pd_name: Buffer.from('example.org') },
      domainRow,
      { k: ROW_KIND.providerDomain, o1: 2, pd_name: 'example.com' },
      {
        k: '2',
        o1: '5',
        o2: 11,
        s_id: 11,
        s_prio: 5,
        s_name: 'smtp.example.org',
        s_port: 587,
        s_type: 'smtp',
        s_socket_type: 'STARTTLS',
        s_user_name: '%EMAILADDRESS%',
        s_authentication: 'plain',
      },
      {
        k: ROW_KIND.davServer,
        o1: 2,
        v_id: 2,
        v_url: 'https://dav.example.org/',
        v_port: 0,
        v_type: 'carddav',
        v_use_ssl: 1,
        v_domain_required: 't',
        v_user_name: null,
      },
    ]);
    expect(settings).toEqual({
      domainId: 7,
      domainName: 'example.org',
      provider: { id: 3, name: 'Example', shortName: 'Ex' },
      providerDomains: ['example.com', 'example.org'],
      servers: [
        {
          id: 11,
          prio: 5,
          name: 'smtp.example.org',
          port: 587,
          type: 'smtp',
          socketType: 'STARTTLS',
          userName: '%EMAILADDRESS%',
          authentication: 'plain',
        },
        {
          id: 4,
          prio: 10,
          name: 'imap.example.org',
          port: 0,
          type: '',
          socketType: '',
          userName: '',
          authentication: '',
        },
      ],
      davServers: [
        {
          id: 2,
          url: 'https://dav.example.org/',
          port: 0,
          type: 'carddav',
          useSsl: true,
          domainRequired: true,
          userName: null,
        },
      ],
      ldapServer: null,
    });
  });

  it('reads the LDAP server from the domain row when it has one', () => {
    const settings = settingsFromRows([
      {
        ...domainRow,
        l_id: 4,
        l_name: 'ldap.example.org',
        l_port: 636,
        l_use_ssl: true,
        l_search_base: 'dc=example,dc=org',
        l_search_filter: '(mail={0})',
        l_attr_uid: 'uid',
        l_attr_cn: null,
        l_bind_password: null,
        l_bind_user: null,
      },
    ]);
    expect(settings?.ldapServer).toEqual({
      id: 4,
      name: 'ldap.example.org',
      port: 636,
      useSsl: true,
      searchBase: 'dc=example,dc=org',
      searchFilter: '(mail={0})',
      attrUid: 'uid',
      attrCn: null,
      bindPassword: null,
      bindUser: null,
    });
    expect(settings?.servers).toEqual([]);
  });

  it('is null without a domain row (no domain matched)', () => {
    expect(settingsFromRows([])).toBeNull();
    expect(settingsFromRows([{ k: ROW_KIND.server, s_id: 1 }])).toBeNull();
  });
});

describe('settingsSql', () => {
  const names = (count: number) => Array.from({ length: count }, (_, i) => `d${i}.example`);

  it.each(['postgres', 'mysql'] as const)(
    '%s: one statement, the UNION ALL of the four SELECTs',
    (dialect) => {
      settingsSql(dialect).lookup.forEach(({ statements, parameters }, index) => {
        const candidates = names(index + 1);
        expect(statements).toHaveLength(1);
        const [statement] = statements as [string];
        expect(statement.match(/\bUNION ALL\b/g)).toHaveLength(3);
        if (dialect === 'postgres') {
          expect(new Set(statement.match(/\$\d+/g))).toEqual(
            new Set(candidates.map((_, i) => `$${i + 1}`)),
          );
          expect(parameters(candidates)).toEqual(candidates);
        } else {
          // One `?` per name and scalar subquery, bound in that order.
          expect(statement.match(/\?/g)).toHaveLength(4 * candidates.length);
          expect(parameters(candidates)).toEqual([
            ...candidates,
            ...candidates,
            ...candidates,
            ...candidates,
          ]);
        }
      });
    },
  );

  it('sqlite: the four SELECTs apart, each with its own columns only', () => {
    settingsSql('sqlite').lookup.forEach(({ statements, parameters }, index) => {
      const candidates = names(index + 1);
      expect(statements).toHaveLength(4);
      for (const statement of statements) {
        expect(statement).not.toMatch(/UNION|NULL/);
        expect(statement.match(/\?/g)).toHaveLength(candidates.length);
      }
      expect(parameters(candidates)).toEqual(candidates);
    });
  });

  it('types the NULLs of PostgreSQL (UNION resolves column types pairwise)', () => {
    const [statement] = settingsSql('postgres').lookup[0]!.statements;
    expect(statement).toContain('NULL::integer AS s_id');
    expect(statement).not.toMatch(/NULL AS/);
    expect(settingsSql('mysql').lookup[0]!.statements[0]).not.toContain('::');
  });
});
