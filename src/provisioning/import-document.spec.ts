import 'reflect-metadata';
import { SEED_EXAMPLE_JSON } from '../../test/support/fixtures';
import { DomainError } from '../common/domain-error';
import { EXPORT_FORMAT } from './export-format';
import { planFromExportDocument, readImportDocument } from './import-document';

type Json = Record<string, unknown>;

interface Doc {
  [key: string]: unknown;
  providers: Json[];
  ldapservers: Json[];
  domains: Json[];
  servers: Json[];
  davservers: Json[];
}

/** A valid export document: two providers, an LDAP server, a shared server, a DAV server. */
function exportDocument(change: (doc: Doc) => void = () => undefined): Doc {
  const doc: Doc = {
    version: 2,
    format: EXPORT_FORMAT,
    export_version: 1,
    providers: [
      { id: 1, name: 'Big Corporation, Inc.', short_name: 'BigCorp' },
      { id: 2, name: 'Ham & Eggs', short_name: 'H+E' },
    ],
    ldapservers: [
      {
        id: 1,
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
    ],
    domains: [
      { name: 'example.com', provider_id: 1, ldapserver_id: 1 },
      { name: 'ham-n-eggs.tld', provider_id: 2, ldapserver_id: null },
    ],
    servers: [
      {
        type: 'smtp',
        name: 'smtp.example.com',
        port: 587,
        socket_type: 'STARTTLS',
        user_name: '%EMAILLOCALPART%',
        authentication: 'plain',
        prio: 10,
        domains: ['example.com', 'ham-n-eggs.tld'],
      },
    ],
    davservers: [
      {
        type: 'carddav',
        url: 'http://carddav.example.com',
        port: 0,
        use_ssl: false,
        domain_required: true,
        user_name: null,
        domains: ['example.com'],
      },
    ],
  };
  change(doc);
  return doc;
}

function problemsOf(text: string): string[] {
  try {
    readImportDocument(text);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'INVALID_SEED') {
      return error.message.split('\n');
    }
    throw error;
  }
  throw new Error(`accepted: ${text}`);
}

const problemsOfExport = (change: (doc: Doc) => void) =>
  problemsOf(JSON.stringify(exportDocument(change)));

describe('readImportDocument', () => {
  it('reads an export document into rows, every column as written', () => {
    const { kind, plan } = readImportDocument(JSON.stringify(exportDocument()));
    expect(kind).toBe('export');
    expect(plan.providers).toEqual([
      { ref: 'p1', name: 'Big Corporation, Inc.', shortName: 'BigCorp' },
      { ref: 'p2', name: 'Ham & Eggs', shortName: 'H+E' },
    ]);
    expect(plan.ldapServers).toEqual([
      {
        ref: 'l1',
        name: 'ldap.example.com',
        port: 636,
        useSsl: true,
        searchBase: 'dc=example,dc=com',
        searchFilter: '(mail={0})',
        attrUid: 'uid',
        attrCn: null,
        bindUser: 'cn=reader',
        bindPassword: 'secret',
      },
    ]);
    expect(plan.domains).toEqual([
      { ref: 'd0', name: 'example.com', providerRef: 'p1', ldapServerRef: 'l1' },
      { ref: 'd1', name: 'ham-n-eggs.tld', providerRef: 'p2', ldapServerRef: null },
    ]);
    expect(plan.servers).toEqual([
      {
        prio: 10,
        name: 'smtp.example.com',
        port: 587,
        type: 'smtp',
        socketType: 'STARTTLS',
        userName: '%EMAILLOCALPART%',
        authentication: 'plain',
        domainRefs: ['d0', 'd1'],
      },
    ]);
    expect(plan.davServers).toEqual([
      {
        url: 'http://carddav.example.com',
        port: 0,
        type: 'carddav',
        useSsl: false,
        domainRequired: true,
        userName: null,
        domainRefs: ['d0'],
      },
    ]);
  });

  it('reads a plain seeding document of version 2 (seed-example.json)', () => {
    const { kind, plan } = readImportDocument(SEED_EXAMPLE_JSON);
    expect(kind).toBe('seed-v2');
    expect(plan.domains.map((domain) => domain.name)).toEqual([
      'example.com',
      'example.org',
      'bücher.example',
    ]);
    expect(plan.servers).toHaveLength(5);
  });

  it('keeps stored values that lookups would never produce (exact round trip)', () => {
    const { plan } = readImportDocument(
      JSON.stringify(
        exportDocument((doc) => {
          doc.servers[0]!.type = 'INVALID';
          doc.servers[0]!.prio = -3;
          doc.domains[0]!.name = ' Example.COM';
          doc.servers[0]!.domains = [' Example.COM'];
          doc.davservers[0]!.domains = [];
          doc.providers[0]!.name = '';
        }),
      ),
    );
    expect(plan.servers[0]).toMatchObject({ type: 'INVALID', prio: -3, domainRefs: ['d0'] });
    expect(plan.domains[0]!.name).toBe(' Example.COM');
    expect(plan.providers[0]!.name).toBe('');
  });

  it('treats missing lists as empty (an empty export)', () => {
    const { plan } = readImportDocument(
      JSON.stringify({ version: 2, format: EXPORT_FORMAT, export_version: 1 }),
    );
    expect(plan).toEqual({
      providers: [],
      ldapServers: [],
      domains: [],
      servers: [],
      davServers: [],
    });
  });

  it('refuses text that is not JSON', () => {
    expect(problemsOf('{"version": 2,')[0]).toMatch(/^document: not valid JSON/);
  });

  it('refuses other formats and versions before anything else', () => {
    expect(problemsOfExport((doc) => (doc.format = 'other'))).toEqual([
      `format: must be "${EXPORT_FORMAT}"`,
    ]);
    expect(problemsOfExport((doc) => (doc.export_version = 2))).toEqual([
      'export_version: must be 1 (the version this program reads)',
    ]);
    expect(problemsOfExport((doc) => (doc.version = '2'))).toEqual([
      'version: must be the integer 2',
    ]);
  });

  it('names every bad field at once', () => {
    const problems = problemsOfExport((doc) => {
      delete doc.providers[0]!.short_name;
      doc.ldapservers[0]!.use_ssl = 'yes';
      doc.ldapservers[0]!.attr_cn = 5;
      doc.domains[1]!.provider_id = 9;
      doc.servers[0]!.port = 1.5;
      doc.servers[0]!.name = 'x'.repeat(129);
      doc.davservers[0]!.user_name = undefined;
    });
    expect(problems).toEqual([
      'providers[0].short_name: missing',
      'ldapservers[0].use_ssl: must be true or false',
      'ldapservers[0].attr_cn: must be a string or null',
      'domains[0].provider_id: no provider with id 1 in this document',
      'domains[0].ldapserver_id: no LDAP server with id 1 in this document',
      'domains[1].provider_id: no provider with id 9 in this document',
      'servers[0].name: longer than 128 characters',
      'servers[0].port: must be an integer',
      'davservers[0].user_name: missing (null for none)',
    ]);
  });

  it('checks references between rows', () => {
    expect(
      problemsOfExport((doc) => {
        doc.providers[1]!.id = 1;
        doc.domains[0]!.ldapserver_id = 7;
        doc.domains.push({ name: 'example.com', provider_id: 1, ldapserver_id: null });
        doc.servers[0]!.domains = ['example.com', 'nowhere.example', 'example.com'];
        doc.davservers[0]!.domains = 'example.com';
      }),
    ).toEqual([
      'providers[1].id: duplicate id 1',
      'domains[0].ldapserver_id: no LDAP server with id 7 in this document',
      'domains[1].provider_id: no provider with id 2 in this document',
      'domains[2].name: duplicate domain "example.com"',
      'servers[0].domains[1]: no domain "nowhere.example" in this document',
      'davservers[0].domains: must be an array',
    ]);
  });

  it('refuses a server that lists a domain twice', () => {
    expect(
      problemsOfExport((doc) => (doc.davservers[0]!.domains = ['example.com', 'example.com'])),
    ).toEqual(['davservers[0].domains[1]: "example.com" is listed twice']);
  });

  it('checks shapes, ranges and lengths in characters', () => {
    expect(
      problemsOfExport((doc) => {
        doc.providers = {} as unknown as Json[];
        doc.ldapservers[0]!.id = 0;
        doc.domains[0] = 'example.com' as unknown as Json;
        doc.domains[1]!.name = '  ';
        doc.servers[0]!.prio = 2 ** 31;
        doc.servers[0]!.user_name = '😀'.repeat(64); // 64 characters: fits
      }),
    ).toEqual([
      'providers: must be an array',
      'ldapservers[0].id: must be a positive integer',
      'domains[0]: must be an object',
      'domains[1].name: must not be empty',
      'domains[1].provider_id: no provider with id 2 in this document',
      'servers[0].prio: out of range for a database integer',
      'servers[0].domains[0]: no domain "example.com" in this document',
      'servers[0].domains[1]: no domain "ham-n-eggs.tld" in this document',
      'davservers[0].domains[0]: no domain "example.com" in this document',
    ]);
  });

  it('names every problem of a v2 seeding document, not only the first', () => {
    expect(
      problemsOf(
        JSON.stringify({
          version: 2,
          provider: 'P',
          domains: [{ name: 'a.example' }, { name: 5 }],
          servers: [
            { type: 'imap', name: 'i', port: 0 },
            { type: 'smtp', name: 's\u0001' },
          ],
        }),
      ),
    ).toEqual([
      'domains[1].name: must be a string',
      'servers[0].port: must be a port number from 1 to 65535',
      'servers[1].name: must not contain control characters (found U+0001)',
    ]);
  });

  it('names v2 problems as POST /initdb/ does, hinting at "format" for export-like documents', () => {
    expect(problemsOf('{"version": 2, "provider": "X", "domains": []}')).toEqual([
      'domains: must contain at least 1 elements',
      'servers: missing',
    ]);
    expect(problemsOf('{"providers": []}')).toEqual([
      `version: missing (seeding format version 2 is required) (an export document needs "format": "${EXPORT_FORMAT}")`,
    ]);
    expect(problemsOf('{"version": 2, "providers": []}')).toEqual([
      `provider: missing (an export document needs "format": "${EXPORT_FORMAT}")`,
      'domains: missing',
      'servers: missing',
    ]);
  });
});

describe('readImportDocument: ports (issue 13, defect 4)', () => {
  const SERVICE_PORT = 'must be a port number from 1 to 65535';
  const DAV_PORT = 'must be a port number from 1 to 65535, or 0 for none';
  const withPorts = (server: unknown, dav: unknown, ldap: unknown) =>
    exportDocument((doc) => {
      doc.servers[0]!.port = server;
      doc.davservers[0]!.port = dav;
      doc.ldapservers[0]!.port = ldap;
    });

  it.each([1, 65535])('accepts %i for every kind of server', (port) => {
    const plan = planFromExportDocument(withPorts(port, port, port));
    expect(plan.servers[0]!.port).toBe(port);
    expect(plan.davServers[0]!.port).toBe(port);
    expect(plan.ldapServers[0]!.port).toBe(port);
  });

  it('accepts 0 ("not set", as export writes it) for DAV servers only', () => {
    expect(planFromExportDocument(withPorts(587, 0, 636)).davServers[0]!.port).toBe(0);
    expect(problemsOf(JSON.stringify(withPorts(0, 0, 0)))).toEqual([
      `ldapservers[0].port: ${SERVICE_PORT}`,
      // As for every problem of an LDAP server row: its domains cannot refer to it.
      'domains[0].ldapserver_id: no LDAP server with id 1 in this document',
      `servers[0].port: ${SERVICE_PORT}`,
    ]);
  });

  it.each([-1, 65536, 2 ** 31 - 1])('refuses %i for every kind of server', (port) => {
    expect(problemsOf(JSON.stringify(withPorts(port, port, port)))).toEqual([
      `ldapservers[0].port: ${SERVICE_PORT}`,
      'domains[0].ldapserver_id: no LDAP server with id 1 in this document',
      `servers[0].port: ${SERVICE_PORT}`,
      `davservers[0].port: ${DAV_PORT}`,
    ]);
  });

  it('refuses 1.5 as not an integer, and 2^31 as not a port', () => {
    expect(problemsOf(JSON.stringify(withPorts(1.5, 1.5, 2 ** 31)))).toEqual([
      `ldapservers[0].port: ${SERVICE_PORT}`,
      'domains[0].ldapserver_id: no LDAP server with id 1 in this document',
      'servers[0].port: must be an integer',
      'davservers[0].port: must be an integer',
    ]);
  });

  it('refuses a bad port in a v2 seeding document as POST /initdb/ does', () => {
    const seed = (server: Json) =>
      JSON.stringify({
        version: 2,
        provider: 'P',
        domains: [{ name: 'a.example' }],
        servers: [server],
      });
    expect(problemsOf(seed({ type: 'imap', name: 'i', port: 0 }))).toEqual([
      `servers[0].port: ${SERVICE_PORT}`,
    ]);
    expect(problemsOf(seed({ type: 'smtp', name: 's', port: 65536 }))).toEqual([
      `servers[0].port: ${SERVICE_PORT}`,
    ]);
  });
});

describe('readImportDocument: characters of stored texts (issue 13, defect 5)', () => {
  const BAD: readonly (readonly [string, string, string])[] = [
    ['U+0001', '\u0001', 'control characters (found U+0001)'],
    ['a tab', '\t', 'control characters (found U+0009)'],
    ['U+007F', '\u007f', 'control characters (found U+007F)'],
    ['U+009F (C1)', '\u009f', 'control characters (found U+009F)'],
    ['a lone surrogate U+D800', '\uD800', 'lone surrogates (found U+D800)'],
    ['U+FFFE', '\uFFFE', 'the non-characters U+FFFE and U+FFFF (found U+FFFE)'],
  ];

  /**
   * Every stored text of an export document, by path. No domain refers to the provider
   * or LDAP server changed, so the refused row is the only problem.
   */
  const FIELDS: readonly (readonly [string, (doc: Doc, text: string) => void])[] = [
    ...(['name', 'short_name'] as const).map(
      (field) =>
        [
          `providers[1].${field}`,
          (doc: Doc, text: string) => {
            doc.providers[1]![field] = text;
            doc.domains[1]!.provider_id = 1;
          },
        ] as const,
    ),
    ...(['name', 'search_base', 'search_filter', 'attr_uid', 'attr_cn', 'bind_user'] as const).map(
      (field) =>
        [
          `ldapservers[0].${field}`,
          (doc: Doc, text: string) => {
            doc.ldapservers[0]![field] = `x${text}`;
            doc.domains[0]!.ldapserver_id = null;
          },
        ] as const,
    ),
    [
      'domains[1].name',
      (doc, text) => {
        doc.domains[1]!.name = `ham${text}.tld`;
        doc.servers[0]!.domains = ['example.com', `ham${text}.tld`];
      },
    ],
    ...(['type', 'name', 'socket_type', 'user_name', 'authentication'] as const).map(
      (field) =>
        [
          `servers[0].${field}`,
          (doc: Doc, text: string) => (doc.servers[0]![field] = `x${text}`),
        ] as const,
    ),
    ...(['type', 'url', 'user_name'] as const).map(
      (field) =>
        [
          `davservers[0].${field}`,
          (doc: Doc, text: string) => (doc.davservers[0]![field] = `x${text}`),
        ] as const,
    ),
  ];

  describe.each(FIELDS)('%s', (path, set) => {
    it.each(BAD)('refuses %s, naming the field and the character', (_label, bad, problem) => {
      expect(problemsOfExport((doc) => set(doc, bad))).toEqual([
        `${path}: must not contain ${problem}`,
      ]);
    });

    it.each([
      ['an astral character', '😀'],
      ['an IDN', 'bücher'],
    ])('accepts %s', (_label, good) => {
      expect(() =>
        readImportDocument(JSON.stringify(exportDocument((doc) => set(doc, good)))),
      ).not.toThrow();
    });
  });

  it('refuses them in bind_password without quoting any of the password', () => {
    for (const [, bad, problem] of BAD) {
      const problems = problemsOfExport((doc) => {
        doc.ldapservers[0]!.bind_password = `Top${bad}Secret`;
        doc.domains[0]!.ldapserver_id = null;
      });
      expect(problems).toEqual([
        `ldapservers[0].bind_password: must not contain ${problem.split(' (')[0]}`,
      ]);
      expect(problems.join('\n')).not.toMatch(/Top|Secret|found/);
    }
  });

  it('accepts IDNs and astral characters as given, also in a v2 seeding document', () => {
    const { plan } = readImportDocument(
      JSON.stringify(
        exportDocument((doc) => {
          doc.providers[0]!.name = 'Bücher 😀';
          doc.domains[0]!.name = 'bücher.example';
          doc.servers[0]!.domains = ['bücher.example'];
          doc.davservers[0]!.domains = ['bücher.example'];
          doc.servers[0]!.name = 'smtp.bücher.example';
        }),
      ),
    );
    expect(plan.providers[0]!.name).toBe('Bücher 😀');
    expect(plan.domains[0]!.name).toBe('bücher.example');
    expect(plan.servers[0]!.name).toBe('smtp.bücher.example');
    const v2 = readImportDocument(
      JSON.stringify({
        version: 2,
        provider: 'Bücher 😀',
        domains: [{ name: 'bücher.example' }],
        servers: [{ type: 'imap', name: 'imap.bücher.example' }],
      }),
    );
    expect(v2.plan.domains[0]!.name).toBe('bücher.example');
  });

  it('refuses them in a v2 seeding document as POST /initdb/ does', () => {
    expect(
      problemsOf(
        JSON.stringify({
          version: 2,
          provider: 'P',
          domains: [{ name: 'a.example' }, { name: 'b\u0001.example' }],
          servers: [{ type: 'imap', name: 'i' }],
        }),
      ),
    ).toEqual(['domains[1].name: must not contain control characters (found U+0001)']);
  });

  it('escapes a server’s reference to an unknown domain instead of printing raw controls', () => {
    expect(
      problemsOfExport((doc) => (doc.servers[0]!.domains = ['example.com', 'nowhere\u0007'])),
    ).toEqual(['servers[0].domains[1]: no domain "nowhere\\u0007" in this document']);
  });
});

describe('planFromExportDocument', () => {
  it('gives refs that follow the document ids, not positions', () => {
    const plan = planFromExportDocument(
      exportDocument((doc) => {
        doc.providers[0]!.id = 7;
        doc.domains[0]!.provider_id = 7;
      }),
    );
    expect(plan.providers.map((provider) => provider.ref)).toEqual(['p7', 'p2']);
    expect(plan.domains[0]!.providerRef).toBe('p7');
  });
});
