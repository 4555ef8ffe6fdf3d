import 'reflect-metadata';
import type { ExportPages } from '../database/export.repository';
import {
  documentFromSnapshot,
  serialiseDocument,
  snapshotPages,
  type DatabaseSnapshot,
} from '../../test/support/export-reference';
import { EXPORT_FORMAT } from '../provisioning/export-format';
import { readImportDocument } from '../provisioning/import-document';
import { emptyTally, exportDocumentText, type ExportTally } from './export-document';

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

const EMPTY: DatabaseSnapshot = {
  providers: [],
  ldapServers: [],
  domains: [],
  servers: [],
  davServers: [],
  serverDomains: [],
  davServerDomains: [],
};

async function streamed(pages: ExportPages, tally?: ExportTally): Promise<string> {
  let text = '';
  for await (const chunk of exportDocumentText(pages, tally)) text += chunk;
  return text;
}

const reference = (snapshot: DatabaseSnapshot) => serialiseDocument(documentFromSnapshot(snapshot));

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Texts JSON.stringify escapes or keeps as they are. */
const AWKWARD = [
  'plain',
  'quote " and \\ back',
  'bücher.example',
  '\u2028\u2029',
  '😀',
  '\ud800',
  '',
];

/** A database of random rows: gaps in ids, shared and unused rows, links of no server. */
function randomSnapshot(seed: number): DatabaseSnapshot {
  const next = random(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(values: readonly T[]): T => values[int(values.length)]!;
  const ids = (count: number) => {
    let id = int(5) - 2; // ids below 1 too: the writer must not assume where they start
    return Array.from({ length: count }, () => (id += 1 + int(3)));
  };
  const text = (prefix: string) => `${prefix}${pick(AWKWARD)}${int(1000)}`;
  const providers = ids(1 + int(4)).map((id) => ({ id, name: text('p'), shortName: text('s') }));
  const ldapServers = ids(int(3)).map((id) => ({
    id,
    name: text('ldap'),
    port: 1 + int(65535),
    useSsl: next() < 0.5,
    searchBase: text('dc='),
    searchFilter: '(mail={0})',
    attrUid: 'uid',
    attrCn: next() < 0.5 ? null : 'cn',
    bindPassword: next() < 0.5 ? null : text(''),
    bindUser: next() < 0.5 ? null : text('cn='),
  }));
  const domains = ids(int(40)).map((id) => ({
    id,
    name: `d${id}-${pick(AWKWARD)}`,
    providerId: pick(providers).id,
    ldapserverId: ldapServers.length === 0 || next() < 0.5 ? null : pick(ldapServers).id,
  }));
  const servers = ids(int(12)).map((id) => ({
    id,
    prio: int(20) - 5,
    name: text('mail.'),
    port: int(70000) - 1,
    type: pick(['imap', 'smtp', 'pop', 'INVALID']),
    socketType: pick(['SSL', 'STARTTLS', 'None']),
    userName: pick(['%EMAILADDRESS%', '%EMAILLOCALPART%', '']),
    authentication: pick(['plain', 'none']),
  }));
  const davServers = ids(int(5)).map((id) => ({
    id,
    url: text('https://dav.example/'),
    port: int(65536),
    type: pick(['caldav', 'carddav']),
    useSsl: next() < 0.5,
    domainRequired: next() < 0.5,
    userName: next() < 0.5 ? null : '%EMAILADDRESS%',
  }));
  const linksOf = (owners: readonly { readonly id: number }[]) => {
    const ownerIds = [...owners.map((owner) => owner.id), 0, 1000];
    const links = new Map<string, { ownerId: number; domainId: number }>();
    for (let i = int(domains.length * 3); i > 0 && domains.length > 0; i -= 1) {
      const link = { ownerId: pick(ownerIds), domainId: pick(domains).id };
      links.set(`${link.ownerId}/${link.domainId}`, link);
    }
    return [...links.values()];
  };
  return {
    providers,
    ldapServers,
    domains,
    servers,
    davServers,
    serverDomains: linksOf(servers),
    davServerDomains: linksOf(davServers),
  };
}

describe('exportDocumentText', () => {
  it.each([1, 2, 3, 1000])(
    'writes the bytes of JSON.stringify(document, null, 2) + newline (pages of %i rows)',
    async (pageRows) => {
      expect(await streamed(snapshotPages(SNAPSHOT, pageRows))).toBe(reference(SNAPSHOT));
      expect(await streamed(snapshotPages(EMPTY, pageRows))).toBe(reference(EMPTY));
    },
  );

  it('writes every row in id order with ids renumbered from 1 and servers naming domains', async () => {
    const document = JSON.parse(await streamed(snapshotPages(SNAPSHOT, 2))) as Record<
      string,
      unknown[]
    >;
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
    expect(document.servers?.map((server) => (server as { domains: unknown }).domains)).toEqual([
      ['example.com', 'example.net'],
      ['ham-n-eggs.tld'],
      [],
    ]);
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

  it('equals the reference for random databases, whatever the page size', async () => {
    for (let seed = 1; seed <= 150; seed += 1) {
      const snapshot = randomSnapshot(seed);
      const expected = reference(snapshot);
      for (const pageRows of [1, 2, 7, 1000]) {
        const text = await streamed(snapshotPages(snapshot, pageRows));
        if (text !== expected) throw new Error(`seed ${seed}, pages of ${pageRows}: differs`);
      }
    }
  });

  it('reads back (import) as the same rows in the same order', async () => {
    const { kind, plan } = readImportDocument(await streamed(snapshotPages(SNAPSHOT, 1)));
    expect(kind).toBe('export');
    expect(plan.domains.map((domain) => domain.name)).toEqual(
      SNAPSHOT.domains.map((domain) => domain.name),
    );
    expect(plan.servers.map((server) => server.domainRefs)).toEqual([['d0', 'd2'], ['d1'], []]);
    expect(plan.davServers[0]).toMatchObject({ userName: null, domainRefs: ['d0'] });
  });

  it('reads a server with many domains page by page, in chunks of bounded size', async () => {
    const domains = Array.from({ length: 30_000 }, (_, i) => ({
      id: i + 1,
      name: `domain-${i + 1}.example`,
      providerId: 4,
      ldapserverId: null,
    }));
    const snapshot: DatabaseSnapshot = {
      ...EMPTY,
      providers: SNAPSHOT.providers,
      domains,
      servers: SNAPSHOT.servers,
      serverDomains: domains.map((domain) => ({ ownerId: 21, domainId: domain.id })),
    };
    const calls: string[] = [];
    const chunks: string[] = [];
    for await (const chunk of exportDocumentText(snapshotPages(snapshot, 1000, calls))) {
      chunks.push(chunk);
    }
    expect(chunks.join('')).toBe(reference(snapshot));
    expect(calls.filter((call) => call.startsWith('server_domain'))).toHaveLength(31);
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThan(200_000);
  });

  it('reads the next page only when the consumer asks for more', async () => {
    const domains = Array.from({ length: 50_000 }, (_, i) => ({
      id: i + 1,
      name: `domain-${i + 1}.example`,
      providerId: 4,
      ldapserverId: null,
    }));
    const calls: string[] = [];
    const text = exportDocumentText(
      snapshotPages({ ...EMPTY, providers: SNAPSHOT.providers, domains }, 1000, calls),
    );
    await text.next();
    const afterFirst = calls.length;
    expect(calls.filter((call) => call.startsWith('domains')).length).toBeLessThan(5);
    await text.next();
    expect(calls.length - afterFirst).toBeLessThan(5);
    await text.return();
  });

  it('counts providers and domains and notices bind credentials', async () => {
    const tally = emptyTally();
    await streamed(snapshotPages(SNAPSHOT, 2), tally);
    expect(tally).toEqual({ providers: 2, domains: 3, containsSecrets: true });

    const anonymous = emptyTally();
    const ldapServers = SNAPSHOT.ldapServers.map((server) => ({
      ...server,
      bindUser: null,
      bindPassword: '',
    }));
    await streamed(snapshotPages({ ...SNAPSHOT, ldapServers }, 2), anonymous);
    expect(anonymous.containsSecrets).toBe(false);

    const userOnly = emptyTally();
    await streamed(
      snapshotPages(
        { ...SNAPSHOT, ldapServers: [{ ...SNAPSHOT.ldapServers[0]!, bindPassword: null }] },
        2,
      ),
      userOnly,
    );
    expect(userOnly.containsSecrets).toBe(true);
  });

  it('fails on rows that refer to missing rows', async () => {
    await expect(
      streamed(snapshotPages({ ...SNAPSHOT, serverDomains: [{ ownerId: 20, domainId: 99 }] }, 2)),
    ).rejects.toThrow('the database refers to a missing domain 99');
    await expect(
      streamed(snapshotPages({ ...SNAPSHOT, providers: SNAPSHOT.providers.slice(1) }, 2)),
    ).rejects.toThrow('the database refers to a missing provider 4');
    await expect(streamed(snapshotPages({ ...SNAPSHOT, ldapServers: [] }, 2))).rejects.toThrow(
      'the database refers to a missing ldapserver 3',
    );
  });
});
