import { SAMPLE_HEX, samplePlan } from './sample-data';
import type { SeedPlan } from '../provisioning/plan';

const HEX = '0123456789abcdef0123456789abcdef';

/** Domain names a server of the plan is linked to. */
function linkedNames(plan: SeedPlan, refs: readonly string[]): string[] {
  return refs.map((ref) => plan.domains.find((domain) => domain.ref === ref)?.name ?? `?${ref}`);
}

describe('SAMPLE_HEX', () => {
  it('is 32 random lowercase hex digits, drawn once per process', async () => {
    expect(SAMPLE_HEX).toMatch(/^[0-9a-f]{32}$/);
    const again = await import('./sample-data');
    expect(again.SAMPLE_HEX).toBe(SAMPLE_HEX);
  });

  it('is what samplePlan uses by default', () => {
    expect(samplePlan(null)).toEqual(samplePlan(null, SAMPLE_HEX));
  });
});

describe(samplePlan.name, () => {
  const plan = samplePlan(null, HEX);

  it('has the three providers of BEHAVIOUR.md §8', () => {
    expect(plan.providers.map(({ name, shortName }) => [name, shortName])).toEqual([
      ['Big Corporation, Inc.', 'BigCorp'],
      ['Ham & Eggs', 'H+E'],
      ['Some Other Provider', 'SOP'],
    ]);
  });

  it('links each domain to its provider, none to LDAP', () => {
    const providerOf = (ref: string) => plan.providers.find((p) => p.ref === ref)?.shortName;
    expect(plan.domains.map((domain) => [domain.name, providerOf(domain.providerRef)])).toEqual([
      ['example.com', 'BigCorp'],
      ['example.net', 'BigCorp'],
      ['example.org', 'BigCorp'],
      ['ham-n-eggs.tld', 'H+E'],
      ['serverless.tld', 'SOP'],
    ]);
    expect(plan.domains.every((domain) => domain.ldapServerRef === null)).toBe(true);
    expect(plan.ldapServers).toEqual([]);
  });

  it('has the mail servers in order, with their links', () => {
    expect(
      plan.servers.map((server) => [
        server.type,
        server.port,
        server.name,
        linkedNames(plan, server.domainRefs),
      ]),
    ).toEqual([
      ['smtp', 587, `primary-smtp.${HEX}.com`, ['example.com', 'example.net']],
      ['smtp', 587, `secondary-smtp.${HEX}.com`, ['example.org']],
      ['imap', 143, `imap1.${HEX}.com`, ['example.com']],
      ['imap', 143, `imap2.${HEX}.com`, ['example.net']],
      ['pop', 143, `pop1.${HEX}.com`, ['example.org']],
      ['INVALID', 123, `${HEX}.ham-n-eggs.tld`, ['ham-n-eggs.tld']],
    ]);
  });

  it('gives every mail server prio 10, STARTTLS, %EMAILADDRESS% and plain', () => {
    for (const server of plan.servers) {
      expect(server).toMatchObject({
        prio: 10,
        socketType: 'STARTTLS',
        userName: '%EMAILADDRESS%',
        authentication: 'plain',
      });
    }
  });

  it('has the two DAV servers', () => {
    expect(
      plan.davServers.map(({ domainRefs, ...server }) => ({
        ...server,
        domains: linkedNames(plan, domainRefs),
      })),
    ).toEqual([
      {
        url: `https://caldav.${HEX}.com`,
        port: 443,
        type: 'caldav',
        useSsl: true,
        domainRequired: false,
        userName: '%EMAILADDRESS%',
        domains: ['example.com'],
      },
      {
        url: `http://carddav.${HEX}.com`,
        port: 0,
        type: 'carddav',
        useSsl: false,
        domainRequired: true,
        userName: null,
        domains: ['example.com', 'example.net'],
      },
    ]);
  });

  it('gives serverless.tld no servers at all', () => {
    const serverless = plan.domains.find((domain) => domain.name === 'serverless.tld')!.ref;
    const linked = [...plan.servers, ...plan.davServers].filter((server) =>
      server.domainRefs.includes(serverless),
    );
    expect(linked).toEqual([]);
  });

  it('uses refs that are unique and all resolve', () => {
    const refs = [
      ...plan.providers.map((p) => `p:${p.ref}`),
      ...plan.domains.map((d) => `d:${d.ref}`),
    ];
    expect(new Set(refs).size).toBe(refs.length);
    for (const server of [...plan.servers, ...plan.davServers]) {
      expect(linkedNames(plan, server.domainRefs).some((name) => name.startsWith('?'))).toBe(false);
    }
  });

  describe('with LDAP_HOSTNAME', () => {
    it('adds the LDAP server and links it to example.com only', () => {
      const withLdap = samplePlan(
        {
          hostname: 'ldap.example.com',
          port: 389,
          searchBase: 'ou=people,dc=example,dc=org',
          bindUser: 'cn=reader,dc=example,dc=org',
          bindPassword: 'secret',
        },
        HEX,
      );
      expect(withLdap.ldapServers).toEqual([
        {
          ref: expect.any(String),
          name: 'ldap.example.com',
          port: 389,
          useSsl: true,
          searchBase: 'ou=people,dc=example,dc=org',
          searchFilter: '(mail={0})',
          attrUid: 'uid',
          attrCn: 'cn',
          bindUser: 'cn=reader,dc=example,dc=org',
          bindPassword: 'secret',
        },
      ]);
      const ref = withLdap.ldapServers[0]!.ref;
      expect(withLdap.domains.map((domain) => [domain.name, domain.ldapServerRef])).toEqual([
        ['example.com', ref],
        ['example.net', null],
        ['example.org', null],
        ['ham-n-eggs.tld', null],
        ['serverless.tld', null],
      ]);
      // Everything else is the same sample data.
      expect({ ...withLdap, ldapServers: [], domains: plan.domains }).toEqual(plan);
    });

    it('keeps a missing bind user and password as null (anonymous bind)', () => {
      const anonymous = samplePlan(
        {
          hostname: 'ldap',
          port: 636,
          searchBase: 'dc=example,dc=com',
          bindUser: null,
          bindPassword: null,
        },
        HEX,
      );
      expect(anonymous.ldapServers[0]).toMatchObject({ bindUser: null, bindPassword: null });
    });
  });
});
