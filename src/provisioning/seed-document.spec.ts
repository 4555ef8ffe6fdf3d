import 'reflect-metadata';
import fc from 'fast-check';
import { SEED_EXAMPLE_JSON } from '../../test/support/fixtures';
import { DomainError } from '../common/domain-error';
import { isFalsyDocument, planFromDocument } from './seed-document';
import type { SeedPlan } from './plan';

type Json = Record<string, unknown>;

/** A valid version-2 document with one domain and one IMAP server, changed by `change`. */
function document(change: (doc: Json) => void = () => undefined): Json {
  const doc: Json = {
    version: 2,
    provider: 'Example Mail',
    domains: [{ name: 'example.com' }],
    servers: [{ type: 'imap', name: 'imap.example.com' }],
  };
  change(doc);
  return doc;
}

/** The INVALID_SEED message for a document that must be refused. */
function problemOf(body: unknown): string {
  try {
    planFromDocument(body);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'INVALID_SEED') return error.message;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(body)}`);
}

/** Every problem named for a document that must be refused (`import`), one per line. */
function problemsOf(body: unknown): string[] {
  try {
    planFromDocument(body, 'all');
  } catch (error) {
    if (error instanceof DomainError && error.code === 'INVALID_SEED') {
      return error.message.split('\n');
    }
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(body)}`);
}

const ldapServer = (values: Json = {}): Json => ({
  id: 1,
  name: 'ldap.example.com',
  search_base: 'dc=example,dc=com',
  bind_user: 'cn=reader,dc=example,dc=com',
  bind_password: 'secret',
  ...values,
});

describe(isFalsyDocument.name, () => {
  it.each([
    ['{}', {}],
    ['null', null],
    ['[]', []],
    ['0', 0],
    ['0.0', 0.0],
    ['""', ''],
    ['false', false],
    ['undefined', undefined],
  ])('%s is falsy (loads the sample data)', (_label, body) => {
    expect(isFalsyDocument(body)).toBe(true);
  });

  it.each([
    ['{"a":1}', { a: 1 }],
    ['[0]', [0]],
    ['1', 1],
    ['-1', -1],
    ['"x"', 'x'],
    ['" "', ' '],
    ['true', true],
    ['{"version":2}', { version: 2 }],
  ])('%s is not falsy', (_label, body) => {
    expect(isFalsyDocument(body)).toBe(false);
  });
});

describe(planFromDocument.name, () => {
  describe('seed-example.json', () => {
    let plan: SeedPlan;

    beforeAll(() => {
      plan = planFromDocument(JSON.parse(SEED_EXAMPLE_JSON));
    });

    it('has one provider, short_name the text before the first space', () => {
      expect(plan.providers).toEqual([
        { ref: expect.any(String), name: 'Example Mail Services', shortName: 'Example' },
      ]);
    });

    it('keeps the domains as given (the IDN in Unicode), in order, without LDAP', () => {
      expect(plan.domains.map((domain) => [domain.name, domain.ldapServerRef])).toEqual([
        ['example.com', null],
        ['example.org', null],
        ['bücher.example', null],
      ]);
      const providerRef = plan.providers[0]!.ref;
      expect(plan.domains.every((domain) => domain.providerRef === providerRef)).toBe(true);
      expect(plan.ldapServers).toEqual([]);
    });

    it('derives ports, socket types and prios of the mail servers', () => {
      const refs = plan.domains.map((domain) => domain.ref);
      expect(plan.servers).toEqual([
        {
          prio: 10,
          name: 'imap.example.com',
          port: 993,
          type: 'imap',
          socketType: 'SSL',
          userName: '%EMAILADDRESS%',
          authentication: 'plain',
          domainRefs: refs,
        },
        expect.objectContaining({ name: 'imap-starttls.example.com', port: 143, prio: 20 }),
        expect.objectContaining({ name: 'pop.example.com', port: 995, socketType: 'SSL' }),
        expect.objectContaining({ name: 'smtp.example.com', port: 465, socketType: 'SSL' }),
        expect.objectContaining({ name: 'submission.example.com', port: 587, prio: 5 }),
      ]);
      expect(plan.servers[1]!.socketType).toBe('STARTTLS');
      expect(plan.servers[4]!.socketType).toBe('STARTTLS');
    });

    it('derives the DAV servers, linked to every domain', () => {
      const refs = plan.domains.map((domain) => domain.ref);
      expect(plan.davServers).toEqual([
        {
          url: 'https://dav.example.com/calendars/%EMAILADDRESS%/',
          port: 443,
          type: 'caldav',
          useSsl: true,
          domainRequired: true,
          userName: '%EMAILADDRESS%',
          domainRefs: refs,
        },
        {
          url: 'https://dav.example.com/addressbooks/%EMAILADDRESS%/',
          port: 0,
          type: 'carddav',
          useSsl: true,
          domainRequired: true,
          userName: '%EMAILADDRESS%',
          domainRefs: refs,
        },
      ]);
    });
  });

  describe('defaults', () => {
    const onlyServer = (server: Json) =>
      planFromDocument(
        document((doc) => {
          doc.servers = [server, ...(server.type === 'imap' ? [] : [{ type: 'smtp', name: 's' }])];
        }),
      );

    it.each([
      ['imap', 993],
      ['pop', 995],
      ['smtp', 465],
    ])('a %s server defaults to port %i with SSL and prio 10', (type, port) => {
      expect(onlyServer({ type, name: 'mail.example.com' }).servers[0]).toMatchObject({
        port,
        socketType: 'SSL',
        prio: 10,
        userName: '%EMAILADDRESS%',
        authentication: 'plain',
      });
    });

    it.each([
      [465, 'SSL'],
      [993, 'SSL'],
      [995, 'SSL'],
      [25, 'STARTTLS'],
      [110, 'STARTTLS'],
      [143, 'STARTTLS'],
      [587, 'STARTTLS'],
      [2525, 'STARTTLS'],
    ])('port %i gives socket_type %s whatever the type', (port, socketType) => {
      for (const type of ['imap', 'pop', 'smtp']) {
        expect(onlyServer({ type, name: 'm', port }).servers[0]).toMatchObject({
          port,
          socketType,
        });
      }
    });

    it('keeps a given prio, also 0 and negative ones', () => {
      for (const prio of [0, -5, 1, 100]) {
        expect(onlyServer({ type: 'imap', name: 'm', prio }).servers[0]?.prio).toBe(prio);
      }
    });

    it.each([
      ['https://dav.example.com/', true],
      ['HTTPS://dav.example.com/', true],
      ['http://dav.example.com/', false],
      ['dav.example.com', false],
    ])('a DAV server at %s has use_ssl %p, domain_required true, port 0', (url, useSsl) => {
      const plan = onlyServer({ type: 'carddav', url });
      expect(plan.davServers).toEqual([
        {
          url,
          port: 0,
          type: 'carddav',
          useSsl,
          domainRequired: true,
          userName: '%EMAILADDRESS%',
          domainRefs: ['d0'].map(() => plan.domains[0]!.ref),
        },
      ]);
    });

    it('gives an LDAP server port 636, use_ssl, (mail={0}), uid and cn', () => {
      const plan = planFromDocument(
        document((doc) => {
          doc.ldapservers = [ldapServer()];
          doc.domains = [{ name: 'example.com', ldapserver_id: 1 }, { name: 'example.org' }];
        }),
      );
      expect(plan.ldapServers).toEqual([
        {
          ref: expect.any(String),
          name: 'ldap.example.com',
          port: 636,
          useSsl: true,
          searchBase: 'dc=example,dc=com',
          searchFilter: '(mail={0})',
          attrUid: 'uid',
          attrCn: 'cn',
          bindUser: 'cn=reader,dc=example,dc=com',
          bindPassword: 'secret',
        },
      ]);
      expect(plan.domains.map((domain) => domain.ldapServerRef)).toEqual([
        plan.ldapServers[0]!.ref,
        null,
      ]);
    });

    it('derives LDAP use_ssl from the port (636 only) unless given', () => {
      const useSsl = (values: Json) =>
        planFromDocument(document((doc) => (doc.ldapservers = [ldapServer(values)]))).ldapServers[0]
          ?.useSsl;
      expect(useSsl({ port: 389 })).toBe(false);
      expect(useSsl({ port: 636 })).toBe(true);
      expect(useSsl({ port: 389, use_ssl: true })).toBe(true);
      expect(useSsl({ port: 636, use_ssl: false })).toBe(false);
    });

    it('keeps given LDAP values', () => {
      const plan = planFromDocument(
        document((doc) => {
          doc.ldapservers = [
            ldapServer({
              port: 3269,
              search_filter: '(&(objectClass=person)(mail={0}))',
              attr_uid: 'sAMAccountName',
              attr_cn: 'displayName',
            }),
          ];
        }),
      );
      expect(plan.ldapServers[0]).toMatchObject({
        port: 3269,
        searchFilter: '(&(objectClass=person)(mail={0}))',
        attrUid: 'sAMAccountName',
        attrCn: 'displayName',
      });
    });

    it('refers to LDAP servers by their document id, not their position', () => {
      const plan = planFromDocument(
        document((doc) => {
          doc.ldapservers = [ldapServer({ id: 7, name: 'a' }), ldapServer({ id: 3, name: 'b' })];
          doc.domains = [
            { name: 'one.example', ldapserver_id: 3 },
            { name: 'two.example', ldapserver_id: 7 },
          ];
        }),
      );
      const refOf = (name: string) => plan.ldapServers.find((server) => server.name === name)?.ref;
      expect(plan.domains.map((domain) => domain.ldapServerRef)).toEqual([refOf('b'), refOf('a')]);
    });

    it('takes null as absent for optional fields', () => {
      const plan = planFromDocument(
        document((doc) => {
          doc.domains = [{ name: 'example.com', ldapserver_id: null }];
          doc.servers = [{ type: 'imap', name: 'm', port: null, prio: null }];
        }),
      );
      expect(plan.domains[0]?.ldapServerRef).toBeNull();
      expect(plan.servers[0]).toMatchObject({ port: 993, prio: 10 });
    });
  });

  describe('provider short name', () => {
    it.each([
      ['Example Mail Services', 'Example'],
      ['Single', 'Single'],
      ['Ham & Eggs', 'Ham'],
      ['Ham  Eggs', 'Ham'],
      ['H+E Ltd', 'H+E'],
    ])('%j has short_name %j', (provider, shortName) => {
      const plan = planFromDocument(document((doc) => (doc.provider = provider)));
      expect(plan.providers[0]).toMatchObject({ name: provider, shortName });
    });

    it('refuses a short name longer than 32 characters', () => {
      expect(problemOf(document((doc) => (doc.provider = `${'x'.repeat(33)} Ltd`)))).toMatch(
        /^provider: /,
      );
      expect(
        planFromDocument(document((doc) => (doc.provider = `${'x'.repeat(32)} Ltd`))).providers[0]
          ?.shortName,
      ).toHaveLength(32);
    });
  });

  describe('booleans', () => {
    it.each([
      [true, true],
      [false, false],
      [1, true],
      [0, false],
      ['yes', true],
      ['No', false],
      ['YES', true],
      ['no', false],
      ['true', true],
      ['TRUE', true],
      ['False', false],
      ['1', true],
      ['0', false],
    ])('use_ssl %j is %p', (raw, value) => {
      const plan = planFromDocument(
        document((doc) => (doc.ldapservers = [ldapServer({ use_ssl: raw })])),
      );
      expect(plan.ldapServers[0]?.useSsl).toBe(value);
    });

    it.each(['maybe', 2, -1, 'on', '', [], {}, 0.5])('use_ssl %j is refused', (raw) => {
      expect(
        problemOf(document((doc) => (doc.ldapservers = [ldapServer({ use_ssl: raw })]))),
      ).toMatch(/^ldapservers\[0\]\.use_ssl: /);
    });
  });

  it('ignores unknown keys everywhere', () => {
    const plain = planFromDocument(document());
    const extra = planFromDocument(
      document((doc) => {
        doc.comment = 'hello';
        doc.domains = [{ name: 'example.com', _comment: 'x', note: 1 }];
        doc.servers = [{ type: 'imap', name: 'imap.example.com', colour: 'blue' }];
      }),
    );
    expect(extra).toEqual(plain);
  });

  it('trims domain names', () => {
    const plan = planFromDocument(document((doc) => (doc.domains = [{ name: ' example.com ' }])));
    expect(plan.domains[0]?.name).toBe('example.com');
  });

  describe('refused documents name the field', () => {
    it.each([
      ['a string', 'not an object'],
      ['an array', [{ version: 2 }]],
      ['a number', 2],
      ['true', true],
    ])('the document is %s', (_label, body) => {
      expect(problemOf(body)).toMatch(/^document: /);
    });

    const refusals: readonly (readonly [string, (doc: Json) => unknown, RegExp])[] = [
      ['version missing', (doc: Json) => delete doc.version, /^version: /],
      ['version 1', (doc: Json) => (doc.version = 1), /^version: /],
      ['version 3', (doc: Json) => (doc.version = 3), /^version: /],
      ['version "2"', (doc: Json) => (doc.version = '2'), /^version: /],
      ['version 2.5', (doc: Json) => (doc.version = 2.5), /^version: /],
      ['version null', (doc: Json) => (doc.version = null), /^version: /],
      ['provider missing', (doc: Json) => delete doc.provider, /^provider: missing/],
      ['provider a number', (doc: Json) => (doc.provider = 5), /^provider: must be a string/],
      ['provider empty', (doc: Json) => (doc.provider = ''), /^provider: /],
      ['provider too long', (doc: Json) => (doc.provider = 'x'.repeat(129)), /^provider: /],
      ['domains missing', (doc: Json) => delete doc.domains, /^domains: missing/],
      ['domains empty', (doc: Json) => (doc.domains = []), /^domains: /],
      ['domains an object', (doc: Json) => (doc.domains = {}), /^domains: must be an array/],
      ['domains as strings', (doc: Json) => (doc.domains = ['a.example']), /^domains\[0\]: /],
      ['a null domain', (doc: Json) => (doc.domains = [null]), /^domains\[0\]: /],
      [
        'a domain that is an array',
        (doc: Json) => (doc.domains = [[]]),
        /^domains\[0\]: must be an object/,
      ],
      [
        'a second domain that is an array',
        (doc: Json) => (doc.domains = [{ name: 'a.example' }, [{ name: 'b.example' }]]),
        /^domains\[1\]: must be an object/,
      ],
      [
        'a server that is an array',
        (doc: Json) => (doc.servers = [[]]),
        /^servers\[0\]: must be an object/,
      ],
      [
        'an LDAP server that is an array',
        (doc: Json) => (doc.ldapservers = [[]]),
        /^ldapservers\[0\]: must be an object/,
      ],
      ['domain name missing', (doc: Json) => (doc.domains = [{}]), /^domains\[0\]\.name: missing/],
      ['domain name empty', (doc: Json) => (doc.domains = [{ name: '' }]), /^domains\[0\]\.name: /],
      [
        'domain name blank',
        (doc: Json) => (doc.domains = [{ name: '  ' }]),
        /^domains\[0\]\.name: /,
      ],
      [
        'domain name a number',
        (doc: Json) => (doc.domains = [{ name: 7 }]),
        /^domains\[0\]\.name: /,
      ],
      [
        'second domain name too long',
        (doc: Json) => (doc.domains = [{ name: 'a.example' }, { name: `${'x'.repeat(129)}` }]),
        /^domains\[1\]\.name: /,
      ],
      [
        'ldapserver_id not an integer',
        (doc: Json) => (doc.domains = [{ name: 'a.example', ldapserver_id: '1' }]),
        /^domains\[0\]\.ldapserver_id: /,
      ],
      [
        'ldapserver_id of a missing LDAP server',
        (doc: Json) => (doc.domains = [{ name: 'a.example', ldapserver_id: 2 }]),
        /^domains\[0\]\.ldapserver_id: /,
      ],
      ['servers missing', (doc: Json) => delete doc.servers, /^servers: missing/],
      ['servers empty', (doc: Json) => (doc.servers = []), /^servers: /],
      [
        'only DAV servers',
        (doc: Json) => (doc.servers = [{ type: 'caldav', url: 'https://dav.example.com/' }]),
        /^servers: /,
      ],
      [
        'an unknown second server type',
        (doc: Json) =>
          (doc.servers = [
            { type: 'imap', name: 'i' },
            { type: 'ftp', name: 'f' },
          ]),
        /^servers\[1\]\.type: /,
      ],
      [
        'type in upper case',
        (doc: Json) => (doc.servers = [{ type: 'IMAP', name: 'i' }]),
        /^servers\[0\]\.type: /,
      ],
      ['type missing', (doc: Json) => (doc.servers = [{ name: 'i' }]), /^servers\[0\]\.type: /],
      [
        'a mail server without a name',
        (doc: Json) => (doc.servers = [{ type: 'smtp' }]),
        /^servers\[0\]\.name: missing/,
      ],
      [
        'a mail server with an empty name',
        (doc: Json) => (doc.servers = [{ type: 'pop', name: '' }]),
        /^servers\[0\]\.name: /,
      ],
      [
        'a DAV server without a url',
        (doc: Json) => (doc.servers = [{ type: 'caldav' }, { type: 'imap', name: 'i' }]),
        /^servers\[0\]\.url: missing/,
      ],
      [
        'port "993"',
        (doc: Json) => (doc.servers = [{ type: 'imap', name: 'i', port: '993' }]),
        /^servers\[0\]\.port: must be an integer/,
      ],
      [
        'port 993.5',
        (doc: Json) => (doc.servers = [{ type: 'imap', name: 'i', port: 993.5 }]),
        /^servers\[0\]\.port: must be an integer/,
      ],
      [
        'port 65536',
        (doc: Json) => (doc.servers = [{ type: 'imap', name: 'i', port: 65536 }]),
        /^servers\[0\]\.port: /,
      ],
      [
        'port -1',
        (doc: Json) => (doc.servers = [{ type: 'imap', name: 'i', port: -1 }]),
        /^servers\[0\]\.port: /,
      ],
      [
        'prio "5"',
        (doc: Json) => (doc.servers = [{ type: 'imap', name: 'i', prio: '5' }]),
        /^servers\[0\]\.prio: must be an integer/,
      ],
      ['ldapservers an object', (doc: Json) => (doc.ldapservers = {}), /^ldapservers: /],
      [
        'an LDAP server without bind_user',
        (doc: Json) => {
          const server = ldapServer();
          delete server.bind_user;
          doc.ldapservers = [server];
        },
        /^ldapservers\[0\]\.bind_user: missing/,
      ],
      ...(['id', 'name', 'search_base', 'bind_password'] as const).map(
        (field) =>
          [
            `an LDAP server without ${field}`,
            (doc: Json) => {
              const server = ldapServer();
              delete server[field];
              doc.ldapservers = [server];
            },
            new RegExp(`^ldapservers\\[0\\]\\.${field}: missing`),
          ] as const,
      ),
      [
        'an LDAP port "636"',
        (doc: Json) => (doc.ldapservers = [ldapServer({ port: '636' })]),
        /^ldapservers\[0\]\.port: must be an integer/,
      ],
      [
        'duplicate LDAP ids',
        (doc: Json) => (doc.ldapservers = [ldapServer(), ldapServer({ name: 'other' })]),
        /^ldapservers\[1\]\.id: /,
      ],
    ];

    it.each(refusals)('%s', (_label, change, message) => {
      expect(problemOf(document(change))).toMatch(message);
    });

    it.each([
      ['example.com', 'example.com'],
      ['example.com', 'EXAMPLE.com'],
      ['example.com', ' example.com'],
      ['bücher.example', 'xn--bcher-kva.example'],
      ['XN--BCHER-KVA.example', 'Bücher.example'],
    ])('refuses the duplicate domains %j and %j', (first, second) => {
      expect(
        problemOf(
          document(
            (doc) => (doc.domains = [{ name: 'a.example' }, { name: first }, { name: second }]),
          ),
        ),
      ).toBe('domains[2].name: duplicate domain');
    });

    it('refuses the manual’s old short form, naming version', () => {
      expect(
        problemOf({
          provider: 'Example',
          domains: ['example.com'],
          servers: [{ type: 'imap', name: 'imap.example.com' }],
        }),
      ).toMatch(/^version: /);
    });

    it('never puts an LDAP bind password into a message', () => {
      const message = problemOf(
        document((doc) => {
          doc.ldapservers = [ldapServer({ bind_password: 'TopSecret', port: 'x' })];
        }),
      );
      expect(message).not.toContain('TopSecret');
    });
  });

  describe('naming every problem (import)', () => {
    it('names every bad field, in document order, where POST /initdb/ names the first', () => {
      const doc = document((doc) => {
        doc.provider = 'Example\u0001 Mail';
        doc.domains = [{ name: 'a.example' }, [], { name: 7 }, {}];
        doc.ldapservers = [ldapServer({ port: 0, use_ssl: 'maybe' })];
        doc.servers = [
          { type: 'imap', name: 'imap.example.com', port: 65536 },
          { type: 'smtp' },
          { type: 'fax', name: 'fax.example.com' },
          { type: 'caldav', url: 'https://dav.example.com/', port: -1 },
        ];
      });
      expect(problemsOf(doc)).toEqual([
        'provider: must not contain control characters (found U+0001)',
        'domains[1]: must be an object',
        'domains[2].name: must be a string',
        'domains[3].name: missing',
        'ldapservers[0].port: must be a port number from 1 to 65535',
        'ldapservers[0].use_ssl: must be a boolean value',
        'servers[0].port: must be a port number from 1 to 65535',
        'servers[1].name: missing',
        expect.stringMatching(/^servers\[2\]\.type: must be one of the following values: /),
        'servers[3].port: must be a port number from 1 to 65535, or 0 for none',
      ]);
      expect(problemOf(doc)).toBe('provider: must not contain control characters (found U+0001)');
    });

    it('names every problem between fields once the fields are valid', () => {
      const doc = document((doc) => {
        doc.provider = `${'x'.repeat(33)} Mail`;
        doc.ldapservers = [ldapServer({ id: 1 }), ldapServer({ id: 1 })];
        doc.domains = [
          { name: 'a.example', ldapserver_id: 2 },
          { name: ' ' },
          { name: 'A.example' },
        ];
        doc.servers = [{ type: 'carddav', url: 'https://dav.example.com/' }];
      });
      expect(problemsOf(doc)).toEqual([
        'provider: the short name (text before the first space) exceeds 32 characters',
        'ldapservers[1].id: duplicate id',
        'domains[0].ldapserver_id: no LDAP server with this id',
        'domains[1].name: should not be empty',
        'domains[2].name: duplicate domain',
        'servers: at least one imap, pop or smtp server',
      ]);
      expect(problemOf(doc)).toBe(
        'provider: the short name (text before the first space) exceeds 32 characters',
      );
    });

    it('names only the missing version of a document without one', () => {
      expect(problemsOf({ provider: 5, domains: 'x' })).toEqual([
        'version: missing (seeding format version 2 is required)',
      ]);
    });
  });

  describe('ports (issue 13, defect 4)', () => {
    const SERVICE_PORT = 'must be a port number from 1 to 65535';
    const DAV_PORT = 'must be a port number from 1 to 65535, or 0 for none';
    const withServer = (server: Json) =>
      document((doc) => (doc.servers = [{ type: 'imap', name: 'i' }, server]));

    it.each(['imap', 'pop', 'smtp'])('a %s server accepts the ports 1 and 65535', (type) => {
      for (const port of [1, 65535]) {
        expect(planFromDocument(withServer({ type, name: 'm', port })).servers[1]?.port).toBe(port);
      }
    });

    it.each(['imap', 'pop', 'smtp'])('a %s server refuses the ports 0, -1 and 65536', (type) => {
      for (const port of [0, -1, 65536, 2 ** 31]) {
        expect(problemOf(withServer({ type, name: 'm', port }))).toBe(
          `servers[1].port: ${SERVICE_PORT}`,
        );
      }
      expect(problemOf(withServer({ type, name: 'm', port: 1.5 }))).toBe(
        'servers[1].port: must be an integer number',
      );
    });

    it.each(['caldav', 'carddav'])(
      'a %s server accepts the ports 0 (none), 1 and 65535, and no port',
      (type) => {
        for (const port of [0, 1, 65535]) {
          const server = { type, url: 'https://dav.example.com/', port };
          expect(planFromDocument(withServer(server)).davServers[0]?.port).toBe(port);
        }
        const server = { type, url: 'https://dav.example.com/' };
        expect(planFromDocument(withServer(server)).davServers[0]?.port).toBe(0);
      },
    );

    it.each(['caldav', 'carddav'])('a %s server refuses the ports -1 and 65536', (type) => {
      for (const port of [-1, 65536]) {
        expect(problemOf(withServer({ type, url: 'https://dav.example.com/', port }))).toBe(
          `servers[1].port: ${DAV_PORT}`,
        );
      }
      expect(problemOf(withServer({ type, url: 'https://dav.example.com/', port: 1.5 }))).toBe(
        'servers[1].port: must be an integer number',
      );
    });

    it('an LDAP server accepts the ports 1 and 65535, refuses 0, -1, 65536 and 1.5', () => {
      const withLdapPort = (port: number) =>
        document((doc) => (doc.ldapservers = [ldapServer(), ldapServer({ id: 2, port })]));
      for (const port of [1, 65535]) {
        expect(planFromDocument(withLdapPort(port)).ldapServers[1]?.port).toBe(port);
      }
      for (const port of [0, -1, 65536]) {
        expect(problemOf(withLdapPort(port))).toBe(`ldapservers[1].port: ${SERVICE_PORT}`);
      }
      expect(problemOf(withLdapPort(1.5))).toBe('ldapservers[1].port: must be an integer number');
    });

    it('reports a bad port before the problems of later servers', () => {
      const doc = document((doc) => (doc.servers = [{ type: 'smtp', name: 's', port: 0 }, {}]));
      expect(problemOf(doc)).toBe(`servers[0].port: ${SERVICE_PORT}`);
    });
  });

  describe('characters of stored texts (issue 13, defect 5)', () => {
    const BAD: readonly (readonly [string, string, string])[] = [
      ['U+0001', '\u0001', 'control characters (found U+0001)'],
      ['a tab', '\t', 'control characters (found U+0009)'],
      ['a line feed', '\n', 'control characters (found U+000A)'],
      ['U+007F', '\u007f', 'control characters (found U+007F)'],
      ['U+0085 (C1)', '\u0085', 'control characters (found U+0085)'],
      ['a lone surrogate U+D800', '\uD800', 'lone surrogates (found U+D800)'],
      ['a lone surrogate U+DC00', '\uDC00', 'lone surrogates (found U+DC00)'],
      ['U+FFFE', '\uFFFE', 'the non-characters U+FFFE and U+FFFF (found U+FFFE)'],
      ['U+FFFF', '\uFFFF', 'the non-characters U+FFFE and U+FFFF (found U+FFFF)'],
    ];

    /** Every stored text of a v2 document: its path, and how to set it. */
    const FIELDS: readonly (readonly [string, (doc: Json, text: string) => void])[] = [
      ['provider', (doc, text) => (doc.provider = `Example ${text}`)],
      [
        'domains[1].name',
        (doc, text) => (doc.domains = [{ name: 'a.example' }, { name: `b${text}.example` }]),
      ],
      [
        'servers[1].name',
        (doc, text) =>
          (doc.servers = [
            { type: 'imap', name: 'i' },
            { type: 'smtp', name: text },
          ]),
      ],
      [
        'servers[1].url',
        (doc, text) =>
          (doc.servers = [
            { type: 'imap', name: 'i' },
            { type: 'caldav', url: `https://dav.example.com/${text}` },
          ]),
      ],
      ...(
        ['name', 'search_base', 'bind_user', 'search_filter', 'attr_uid', 'attr_cn'] as const
      ).map(
        (field) =>
          [
            `ldapservers[0].${field}`,
            (doc: Json, text: string) => (doc.ldapservers = [ldapServer({ [field]: `x${text}` })]),
          ] as const,
      ),
    ];

    describe.each(FIELDS)('%s', (path, set) => {
      it.each(BAD)('refuses %s, naming the field and the character', (_label, bad, problem) => {
        expect(problemOf(document((doc) => set(doc, bad)))).toBe(
          `${path}: must not contain ${problem}`,
        );
      });

      it.each([
        ['an astral character', '😀'],
        ['an IDN', 'bücher'],
        ['U+00A0', '\u00a0'],
      ])('accepts %s', (_label, good) => {
        expect(() => planFromDocument(document((doc) => set(doc, good)))).not.toThrow();
      });
    });

    it('refuses them in bind_password without quoting any of the password', () => {
      for (const [, bad, problem] of BAD) {
        const message = problemOf(
          document((doc) => (doc.ldapservers = [ldapServer({ bind_password: `Top${bad}Secret` })])),
        );
        expect(message).toBe(
          `ldapservers[0].bind_password: must not contain ${problem.split(' (')[0]}`,
        );
        expect(message).not.toMatch(/Top|Secret|found/);
      }
      const plan = planFromDocument(
        document((doc) => (doc.ldapservers = [ldapServer({ bind_password: 'pä$$ 😀 "w' })])),
      );
      expect(plan.ldapServers[0]?.bindPassword).toBe('pä$$ 😀 "w');
    });

    it('refuses a control character even where trimming would remove it (domain names)', () => {
      expect(problemOf(document((doc) => (doc.domains = [{ name: 'example.com\n' }])))).toBe(
        'domains[0].name: must not contain control characters (found U+000A)',
      );
    });

    it('accepts IDNs and astral characters as given', () => {
      const plan = planFromDocument(
        document((doc) => {
          doc.provider = 'Bücher 😀 Mail';
          doc.domains = [{ name: 'bücher.example' }, { name: 'xn--mnchen-3ya.example' }];
          doc.servers = [
            { type: 'imap', name: 'imap.bücher.example' },
            { type: 'carddav', url: 'https://dav.bücher.example/😀/' },
          ];
        }),
      );
      expect(plan.providers[0]).toMatchObject({ name: 'Bücher 😀 Mail', shortName: 'Bücher' });
      expect(plan.domains.map((domain) => domain.name)).toEqual([
        'bücher.example',
        'xn--mnchen-3ya.example',
      ]);
      expect(plan.servers[0]?.name).toBe('imap.bücher.example');
      expect(plan.davServers[0]?.url).toBe('https://dav.bücher.example/😀/');
    });

    it('still stores names that are not host names as given (no new refusal)', () => {
      const plan = planFromDocument(
        document((doc) => {
          doc.domains = [{ name: 'not a domain!' }, { name: 'under_score..example' }];
          doc.servers = [{ type: 'imap', name: 'imap server #1' }];
        }),
      );
      expect(plan.domains.map((domain) => domain.name)).toEqual([
        'not a domain!',
        'under_score..example',
      ]);
      expect(plan.servers[0]?.name).toBe('imap server #1');
    });

    it('ignores the characters of fields that are not stored (a DAV server’s name)', () => {
      const plan = planFromDocument(
        document((doc) => {
          doc.servers = [
            { type: 'imap', name: 'i' },
            { type: 'caldav', url: 'https://dav.example.com/', name: '\u0001' },
          ];
        }),
      );
      expect(plan.davServers).toHaveLength(1);
    });
  });

  describe('arbitrary input', () => {
    const invariantsHold = (plan: SeedPlan) => {
      expect(plan.providers).toHaveLength(1);
      expect(plan.domains.length).toBeGreaterThan(0);
      expect(plan.servers.length).toBeGreaterThan(0);
      const refs = plan.domains.map((domain) => domain.ref);
      for (const server of [...plan.servers, ...plan.davServers]) {
        expect(server.domainRefs).toEqual(refs);
      }
      for (const server of plan.servers) {
        expect(['imap', 'pop', 'smtp']).toContain(server.type);
        expect(server.socketType).toBe([465, 993, 995].includes(server.port) ? 'SSL' : 'STARTTLS');
      }
      const { name, shortName } = plan.providers[0]!;
      expect(name.startsWith(shortName)).toBe(true);
      expect(shortName).not.toContain(' ');
    };

    /** Either a plan or DomainError('INVALID_SEED'), never anything else. */
    const planOrInvalidSeed = (body: unknown) => {
      let plan: SeedPlan;
      try {
        plan = planFromDocument(body);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('INVALID_SEED');
        expect((error as DomainError).message).toMatch(/^[a-z_]+(\[\d+\])*(\.[a-z_]+)?: /);
        return;
      }
      invariantsHold(plan);
    };

    it('naming every problem starts with the one POST /initdb/ names, each with its field', () => {
      const sameFirst = (body: unknown) => {
        let first: string;
        try {
          planFromDocument(body);
          expect(() => planFromDocument(body, 'all')).not.toThrow();
          return;
        } catch (error) {
          first = (error as Error).message;
        }
        const all = problemsOf(body);
        expect(all[0]).toBe(first);
        for (const line of all) expect(line).toMatch(/^[a-z_]+(\[\d+\])*(\.[a-z_]+)?: /);
      };
      fc.assert(fc.property(fc.jsonValue(), sameFirst), { numRuns: 300 });
      fc.assert(
        fc.property(
          fc.record({
            version: fc.constantFrom(2, 3),
            provider: fc.oneof(fc.string({ maxLength: 40 }), fc.integer()),
            domains: fc.array(
              fc.oneof(fc.record({ name: fc.oneof(fc.string(), fc.integer()) }), fc.jsonValue()),
              { maxLength: 4 },
            ),
            servers: fc.array(
              fc.record({
                type: fc.constantFrom('imap', 'smtp', 'caldav', 'x'),
                name: fc.oneof(fc.string({ maxLength: 10 }), fc.constant(undefined)),
                port: fc.oneof(fc.integer({ min: -2, max: 70000 }), fc.constant(undefined)),
              }),
              { maxLength: 4 },
            ),
          }),
          sameFirst,
        ),
        { numRuns: 300 },
      );
    });

    it('any JSON value gives a plan or INVALID_SEED', () => {
      fc.assert(fc.property(fc.jsonValue(), planOrInvalidSeed), { numRuns: 500 });
    });

    it('any near-valid document gives a plan or INVALID_SEED', () => {
      const anyJson = fc.jsonValue({ maxDepth: 2 });
      const maybe = <T>(arbitrary: fc.Arbitrary<T>) =>
        fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: anyJson });
      const text = fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom(
          'example.com',
          'EXAMPLE.COM',
          'bücher.example',
          'xn--bcher-kva.example',
          ' ',
        ),
      );
      const port = fc.oneof(
        fc.integer({ min: -2, max: 70000 }),
        fc.constantFrom(465, 993, 995, 143, 587, '993', 993.5, null),
      );
      const domain = fc.record(
        { name: maybe(text), ldapserver_id: maybe(fc.integer({ min: 0, max: 3 })) },
        { requiredKeys: [] },
      );
      const server = fc.record(
        {
          type: maybe(fc.constantFrom('imap', 'pop', 'smtp', 'caldav', 'carddav', 'IMAP', 'x')),
          name: maybe(text),
          url: maybe(fc.constantFrom('https://dav.example.com/', 'http://dav', '')),
          port: maybe(port),
          prio: maybe(fc.integer()),
        },
        { requiredKeys: ['type'] },
      );
      const ldap = fc.record(
        {
          id: maybe(fc.integer({ min: 0, max: 3 })),
          name: maybe(text),
          search_base: maybe(text),
          bind_user: maybe(text),
          bind_password: maybe(text),
          port: maybe(port),
          use_ssl: maybe(fc.constantFrom(true, false, 0, 1, 'yes', 'No', 'TRUE', 'maybe', 2)),
          search_filter: maybe(text),
          attr_uid: maybe(text),
          attr_cn: maybe(text),
        },
        { requiredKeys: [] },
      );
      const doc = fc.record(
        {
          version: maybe(fc.constantFrom(2, 1, 3, '2', 2.5)),
          provider: maybe(text),
          domains: maybe(fc.array(maybe(domain), { maxLength: 4 })),
          ldapservers: maybe(fc.array(maybe(ldap), { maxLength: 3 })),
          servers: maybe(fc.array(maybe(server), { maxLength: 5 })),
          extra: anyJson,
        },
        { requiredKeys: ['version', 'provider', 'domains', 'servers'] },
      );
      fc.assert(fc.property(doc, planOrInvalidSeed), { numRuns: 1000 });
    });
  });
});
