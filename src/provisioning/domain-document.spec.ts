import 'reflect-metadata';
import { DomainError } from '../common/domain-error';
import { planFromDomainDocument, sharedColumnsFromBody } from './domain-document';
import { EXPORT_FORMAT } from './export-format';
import { planFromExportDocument } from './import-document';

type Json = Record<string, unknown>;

interface Body {
  [key: string]: unknown;
  name?: unknown;
  provider: Json;
  ldapserver?: unknown;
  servers: Json[];
  davservers?: Json[];
}

const LDAP: Json = {
  id: 4,
  name: 'ldap.example.com',
  port: 636,
  use_ssl: true,
  search_base: 'dc=example,dc=com',
  search_filter: '(mail={0})',
  attr_uid: 'uid',
  attr_cn: null,
  bind_user: 'cn=reader',
  bind_password: 'secret',
};

/** A domain view as GET answers it (ids included), changed by `change`. */
function domainBody(change: (body: Body) => void = () => undefined): Body {
  const body: Body = {
    name: 'example.com',
    provider: { id: 1, name: 'Example Inc.', short_name: 'Example' },
    ldapserver: null,
    servers: [
      {
        id: 1,
        type: 'imap',
        name: 'imap.example.com',
        port: 993,
        socket_type: 'SSL',
        user_name: '%EMAILADDRESS%',
        authentication: 'plain',
        prio: 10,
      },
      {
        id: 2,
        type: 'smtp',
        name: 'smtp.example.com',
        port: 587,
        socket_type: 'STARTTLS',
        user_name: '%EMAILADDRESS%',
        authentication: 'plain',
        prio: 20,
      },
    ],
    davservers: [
      {
        id: 1,
        type: 'caldav',
        url: 'https://dav.example.com/',
        port: 0,
        use_ssl: true,
        domain_required: true,
        user_name: '%EMAILADDRESS%',
      },
    ],
  };
  change(body);
  return body;
}

/** The lines of the INVALID_SEED error `work` throws (fails when it throws none). */
function problemsOf(work: () => unknown): string[] {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'INVALID_SEED') {
      return error.message.split('\n');
    }
    throw error;
  }
  throw new Error('no problem was found');
}

function withoutId(row: Json): Json {
  const copy = { ...row };
  delete copy.id;
  return copy;
}

const problemsOfBody = (body: unknown, path = 'example.com') =>
  problemsOf(() => planFromDomainDocument(path, body));

describe('planFromDomainDocument', () => {
  it('turns a domain view into a plan of that one domain, ids ignored', () => {
    expect(planFromDomainDocument('example.com', domainBody())).toEqual({
      providers: [{ ref: 'p', name: 'Example Inc.', shortName: 'Example' }],
      ldapServers: [],
      domains: [{ ref: 'd', name: 'example.com', providerRef: 'p', ldapServerRef: null }],
      servers: [
        {
          prio: 10,
          name: 'imap.example.com',
          port: 993,
          type: 'imap',
          socketType: 'SSL',
          userName: '%EMAILADDRESS%',
          authentication: 'plain',
          domainRefs: ['d'],
        },
        {
          prio: 20,
          name: 'smtp.example.com',
          port: 587,
          type: 'smtp',
          socketType: 'STARTTLS',
          userName: '%EMAILADDRESS%',
          authentication: 'plain',
          domainRefs: ['d'],
        },
      ],
      davServers: [
        {
          url: 'https://dav.example.com/',
          port: 0,
          type: 'caldav',
          useSsl: true,
          domainRequired: true,
          userName: '%EMAILADDRESS%',
          domainRefs: ['d'],
        },
      ],
    });
  });

  it('links an LDAP server given as an object', () => {
    const plan = planFromDomainDocument(
      'example.com',
      domainBody((b) => (b.ldapserver = LDAP)),
    );
    expect(plan.ldapServers).toEqual([
      {
        ref: 'l',
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
    expect(plan.domains[0]!.ldapServerRef).toBe('l');
  });

  it('takes a missing ldapserver and davservers as none, and an empty server list', () => {
    const plan = planFromDomainDocument(
      'example.com',
      domainBody((b) => {
        delete b.ldapserver;
        delete b.davservers;
        b.servers = [];
      }),
    );
    expect(plan.ldapServers).toEqual([]);
    expect(plan.davServers).toEqual([]);
    expect(plan.servers).toEqual([]);
    expect(plan.domains[0]!.ldapServerRef).toBeNull();
  });

  it('ignores id and domain_count at every level', () => {
    const plan = planFromDomainDocument(
      'example.com',
      domainBody((b) => {
        b.id = 'anything';
        b.domain_count = [1];
        b.provider.domain_count = 5000;
        b.ldapserver = { ...LDAP, id: -1, domain_count: 2 };
        b.servers[0]!.domain_count = 'x';
        b.davservers![0]!.id = null;
      }),
    );
    expect(plan).toEqual(
      planFromDomainDocument(
        'example.com',
        domainBody((b) => (b.ldapserver = LDAP)),
      ),
    );
  });

  describe('the name', () => {
    it("is the path's, trimmed, when the body has none", () => {
      const plan = planFromDomainDocument(
        '  Example.COM\u00a0',
        domainBody((b) => delete b.name),
      );
      expect(plan.domains[0]!.name).toBe('Example.COM');
    });

    it.each([
      ['another case', 'EXAMPLE.com', 'example.com'],
      ['the A-label of a Unicode path', 'xn--bcher-kva.example', 'bücher.example'],
      ['the Unicode form of an A-label path', 'Bücher.example', 'XN--BCHER-KVA.example'],
      ['the path in another case and form', 'BÜCHER.EXAMPLE', 'xn--bcher-kva.example'],
    ])("is the body's when it denotes the path's domain (%s)", (_label, name, path) => {
      const plan = planFromDomainDocument(
        path,
        domainBody((b) => (b.name = name)),
      );
      expect(plan.domains[0]!.name).toBe(name);
    });

    it.each([
      ['another domain', 'example.org', 'example.com'],
      ['a subdomain', 'mail.example.com', 'example.com'],
      ['a look-alike', 'exam\u00adple.com', 'example.com'],
      ['padding', ' example.com ', 'example.com'],
    ])('is refused when it names %s', (_label, name, path) => {
      expect(
        problemsOfBody(
          domainBody((b) => (b.name = name)),
          path,
        ),
      ).toEqual(['name: must name the domain of the path (in any case or IDN form)']);
    });

    it.each([
      ['', 'name: must not be empty'],
      ['   ', 'name: must not be empty'],
      ['a'.repeat(129), 'name: longer than 128 characters'],
      ['a\u0000.example', 'name: must not contain control characters (found U+0000)'],
      ['a\ud800.example', 'name: must not contain lone surrogates (found U+D800)'],
    ])('of the path %j is refused by the rules of domain names', (path, problem) => {
      expect(
        problemsOfBody(
          domainBody((b) => delete b.name),
          path,
        ),
      ).toEqual([problem]);
    });

    it.each([
      'example.com/x',
      'example.com\\x',
      'example.com?x',
      'example.com#x',
      'exam\u00adple.com',
    ])('takes %j for itself, never for the domain host parsing would cut it to', (name) => {
      const plan = planFromDomainDocument(
        name,
        domainBody((b) => delete b.name),
      );
      expect(plan.domains.map((domain) => domain.name)).toEqual([name]);
      // Nor does such a path denote the domain it would be cut to.
      expect(
        problemsOfBody(
          domainBody((b) => (b.name = 'example.com')),
          name,
        ),
      ).toEqual(['name: must name the domain of the path (in any case or IDN form)']);
    });

    it('accepts 128 characters, astral ones counted once', () => {
      const path = `${'😀'.repeat(120)}.example`;
      expect(
        planFromDomainDocument(
          path,
          domainBody((b) => delete b.name),
        ).domains[0]!.name,
      ).toBe(path);
    });

    it.each([
      [5, 'name: must be a string'],
      [null, 'name: must be a string'],
      ['', 'name: must not be empty'],
      ['x\u007f.example', 'name: must not contain control characters (found U+007F)'],
    ])('given as %j is refused', (name, problem) => {
      expect(problemsOfBody(domainBody((b) => (b.name = name)))).toEqual([problem]);
    });
  });

  it('names every problem at once, in document order', () => {
    expect(
      problemsOfBody(
        domainBody((b) => {
          b.name = 'example.org';
          b.extra = 1;
          b.provider = { name: 'P', short_name: 'x'.repeat(33), colour: 'red' };
          b.ldapserver = { ...LDAP, port: 0, use_ssl: 'yes', attr_cn: 5 };
          b.servers[0]!.port = 65536;
          b.servers[1] = { type: 'smtp' };
          b.davservers![0]!.port = -1;
          b.davservers![0]!.user_name = undefined;
        }),
      ),
    ).toEqual([
      'extra: unknown field',
      'name: must name the domain of the path (in any case or IDN form)',
      'provider.colour: unknown field',
      'provider.short_name: longer than 32 characters',
      'ldapserver.port: must be a port number from 1 to 65535',
      'ldapserver.use_ssl: must be true or false',
      'ldapserver.attr_cn: must be a string or null',
      'servers[0].port: must be a port number from 1 to 65535',
      'servers[1].prio: missing',
      'servers[1].name: missing',
      'servers[1].port: missing',
      'servers[1].socket_type: missing',
      'servers[1].user_name: missing',
      'servers[1].authentication: missing',
      'davservers[0].port: must be a port number from 1 to 65535, or 0 for none',
      'davservers[0].user_name: missing (null for none)',
    ]);
  });

  it('requires provider and servers', () => {
    expect(
      problemsOfBody(
        domainBody((b) => {
          delete (b as Partial<Body>).provider;
          delete (b as Partial<Body>).servers;
        }),
      ),
    ).toEqual(['provider: missing', 'servers: missing']);
  });

  describe('hostile bodies', () => {
    it.each([
      ['an array', []],
      ['null', null],
      ['a string', 'example.com'],
      ['a number', 1],
    ])('refuses %s as the body', (_label, body) => {
      expect(problemsOfBody(body)).toEqual(['document: expected a JSON object']);
    });

    it('refuses arrays and scalars where objects or lists are expected', () => {
      expect(
        problemsOfBody(
          domainBody((b) => {
            b.provider = [] as unknown as Json;
            b.ldapserver = [LDAP];
            b.servers = [[b.servers[0]], 'imap', null] as unknown as Json[];
            b.davservers = {} as unknown as Json[];
          }),
        ),
      ).toEqual([
        'provider: must be an object',
        'ldapserver: must be an object or null',
        'servers[0]: must be an object',
        'servers[1]: must be an object',
        'servers[2]: must be an object',
        'davservers: must be an array',
      ]);
      expect(problemsOfBody(domainBody((b) => (b.servers = null as unknown as Json[])))).toEqual([
        'servers: must be an array',
      ]);
    });

    it.each([
      ['a huge number', 1e308, 'must be a port number from 1 to 65535'],
      ['2^53 + 2', 2 ** 53 + 2, 'must be a port number from 1 to 65535'],
      ['a fraction', 993.5, 'must be an integer'],
      ['"NaN"', 'NaN', 'must be an integer'],
      ['"Infinity"', 'Infinity', 'must be an integer'],
      ['"993"', '993', 'must be an integer'],
      ['true', true, 'must be an integer'],
      ['null', null, 'must be an integer'],
      ['an object', { valueOf: 993 }, 'must be an integer'],
    ])('refuses %s as a port', (_label, port, problem) => {
      expect(problemsOfBody(domainBody((b) => (b.servers[0]!.port = port)))).toEqual([
        `servers[0].port: ${problem}`,
      ]);
    });

    it.each([
      [2 ** 31, 'out of range for a database integer'],
      [-(2 ** 31) - 1, 'out of range for a database integer'],
      [1e300, 'out of range for a database integer'],
      ['10', 'must be an integer'],
    ])('refuses %j as a prio', (prio, problem) => {
      expect(problemsOfBody(domainBody((b) => (b.servers[0]!.prio = prio)))).toEqual([
        `servers[0].prio: ${problem}`,
      ]);
    });

    it('accepts the extremes of a database integer as prio', () => {
      for (const prio of [-(2 ** 31), 2 ** 31 - 1]) {
        const plan = planFromDomainDocument(
          'example.com',
          domainBody((b) => (b.servers[0]!.prio = prio)),
        );
        expect(plan.servers[0]!.prio).toBe(prio);
      }
    });

    it.each([
      ['U+0000', '\u0000', 'control characters (found U+0000)'],
      ['a tab', '\t', 'control characters (found U+0009)'],
      ['a line feed', '\n', 'control characters (found U+000A)'],
      ['U+0085', '\u0085', 'control characters (found U+0085)'],
      ['a lone high surrogate', '\ud83d', 'lone surrogates (found U+D83D)'],
      ['a lone low surrogate', '\ude00', 'lone surrogates (found U+DE00)'],
      ['U+FFFF', '\uffff', 'the non-characters U+FFFE and U+FFFF (found U+FFFF)'],
    ])('refuses %s in text, naming the character', (_label, bad, problem) => {
      expect(
        problemsOfBody(
          domainBody((b) => {
            b.provider.name = `P${bad}`;
            b.servers[0]!.name = `imap${bad}.example.com`;
            b.davservers![0]!.url = `https://dav${bad}/`;
          }),
        ),
      ).toEqual([
        `provider.name: must not contain ${problem}`,
        `servers[0].name: must not contain ${problem}`,
        `davservers[0].url: must not contain ${problem}`,
      ]);
    });

    it('names a control character in a bind password without quoting it', () => {
      const problems = problemsOfBody(
        domainBody((b) => (b.ldapserver = { ...LDAP, bind_password: 'Top\u0001Secret' })),
      );
      expect(problems).toEqual(['ldapserver.bind_password: must not contain control characters']);
    });

    it('takes a "__proto__" key for an unknown field, not for the prototype', () => {
      const body = JSON.parse(
        JSON.stringify(domainBody()).replace(
          '"provider":{',
          '"__proto__":{"name":"x.example"},"provider":{"__proto__":{"short_name":"S"},',
        ),
      ) as unknown;
      expect(problemsOfBody(body)).toEqual([
        '__proto__: unknown field',
        'provider.__proto__: unknown field',
      ]);
      const withoutName = JSON.parse(
        '{"__proto__": {"name": "evil.example", "short_name": "E"}, "servers": []}',
      ) as unknown;
      expect(problemsOfBody(withoutName)).toEqual([
        '__proto__: unknown field',
        'provider: missing',
      ]);
      expect(({} as Json).name).toBeUndefined();
    });

    it('quotes odd unknown keys so that each line still splits at its first ": "', () => {
      const problems = problemsOfBody(
        domainBody((b) => {
          b['a: b'] = 1;
          b['line\nbreak'] = 1;
          b['k'.repeat(100)] = 1;
        }),
      );
      expect(problems).toEqual([
        '"a\\u003a b": unknown field',
        '"line\\nbreak": unknown field',
        `"${'k'.repeat(64)}…": unknown field`,
      ]);
      for (const line of problems) expect(line.split(': ')).toHaveLength(2);
    });

    it('reads 10,000 servers, and names a problem in the last one', () => {
      const server = domainBody().servers[0]!;
      const many: Json[] = Array.from({ length: 10_000 }, (_, i) => ({ ...server, prio: i }));
      const plan = planFromDomainDocument(
        'example.com',
        domainBody((b) => (b.servers = many)),
      );
      expect(plan.servers).toHaveLength(10_000);
      expect(plan.servers[9_999]!.prio).toBe(9_999);
      many[9_999] = { ...server, port: 0 };
      expect(problemsOfBody(domainBody((b) => (b.servers = many)))).toEqual([
        'servers[9999].port: must be a port number from 1 to 65535',
      ]);
    });
  });
});

/**
 * Every column is checked by the code that checks export documents: a bad value gets
 * the same message in a domain body as in an export document.
 */
describe('the same rules and messages as export documents', () => {
  type Table = 'provider' | 'ldapserver' | 'server' | 'davserver';
  const BAD_VALUES: readonly unknown[] = [
    undefined,
    null,
    '',
    'x'.repeat(129),
    '😀'.repeat(33),
    'a\u0001b',
    '\ud800',
    0,
    -1,
    65536,
    1.5,
    2 ** 31,
    true,
    'true',
    [],
    {},
  ];
  const COLUMNS: Readonly<Record<Table, readonly string[]>> = {
    provider: ['name', 'short_name'],
    ldapserver: [
      'name',
      'port',
      'use_ssl',
      'search_base',
      'search_filter',
      'attr_uid',
      'attr_cn',
      'bind_user',
      'bind_password',
    ],
    server: ['type', 'name', 'port', 'socket_type', 'user_name', 'authentication', 'prio'],
    davserver: ['type', 'url', 'port', 'use_ssl', 'domain_required', 'user_name'],
  };

  /** The problem (after the path) an export document gets for `value` in the column. */
  function exportProblem(table: Table, column: string, value: unknown): string | undefined {
    const row = (entry: Json) => ({ ...entry, [column]: value });
    const body = domainBody((b) => (b.ldapserver = LDAP));
    const doc = {
      version: 2,
      format: EXPORT_FORMAT,
      export_version: 1,
      providers: [table === 'provider' ? row({ ...body.provider }) : body.provider],
      ldapservers: [table === 'ldapserver' ? row(LDAP) : LDAP],
      domains: [{ name: 'example.com', provider_id: 1, ldapserver_id: 4 }],
      servers: [
        {
          ...(table === 'server' ? row(body.servers[0]!) : body.servers[0]),
          domains: ['example.com'],
        },
      ],
      davservers: [
        {
          ...(table === 'davserver' ? row(body.davservers![0]!) : body.davservers![0]),
          domains: ['example.com'],
        },
      ],
    };
    try {
      planFromExportDocument(JSON.parse(JSON.stringify(doc)) as Json);
      return undefined;
    } catch (error) {
      const [first = ''] = (error as Error).message.split('\n');
      return first.slice(first.indexOf(': ') + 2);
    }
  }

  function domainProblem(table: Table, column: string, value: unknown): string | undefined {
    const body = domainBody((b) => {
      b.ldapserver = { ...LDAP };
      const target =
        table === 'provider'
          ? b.provider
          : table === 'ldapserver'
            ? (b.ldapserver as Json)
            : table === 'server'
              ? b.servers[0]!
              : b.davservers![0]!;
      target[column] = value;
    });
    try {
      planFromDomainDocument('example.com', JSON.parse(JSON.stringify(body)) as unknown);
      return undefined;
    } catch (error) {
      const [first = ''] = (error as Error).message.split('\n');
      return first.slice(first.indexOf(': ') + 2);
    }
  }

  const cases = (Object.keys(COLUMNS) as Table[]).flatMap((table) =>
    COLUMNS[table].flatMap((column) => BAD_VALUES.map((value) => [table, column, value] as const)),
  );

  it.each(cases)('%s.%s = %j', (table, column, value) => {
    expect(domainProblem(table, column, value)).toBe(exportProblem(table, column, value));
  });

  it('refuses at least one of the values in every column (the cases can fail)', () => {
    for (const [table, columns] of Object.entries(COLUMNS) as [Table, readonly string[]][]) {
      for (const column of columns) {
        expect(BAD_VALUES.some((value) => domainProblem(table, column, value) !== undefined)).toBe(
          true,
        );
      }
    }
  });
});

describe('sharedColumnsFromBody', () => {
  it('reads each kind of row in its view vocabulary, id and domain_count ignored', () => {
    const server = withoutId(domainBody().servers[0]!);
    expect(sharedColumnsFromBody('servers', { ...server, id: 9, domain_count: 3 })).toEqual(server);
    const dav = withoutId(domainBody().davservers![0]!);
    expect(sharedColumnsFromBody('davservers', { id: 1, ...dav })).toEqual(dav);
    expect(sharedColumnsFromBody('ldapservers', { ...LDAP, domain_count: 0 })).toEqual(
      withoutId(LDAP),
    );
    expect(sharedColumnsFromBody('providers', { id: 1, name: 'P', short_name: 'S' })).toEqual({
      name: 'P',
      short_name: 'S',
    });
  });

  it('names every problem with top-level paths', () => {
    expect(
      problemsOf(() =>
        sharedColumnsFromBody('servers', { type: 'imap', port: 0, prio: 'high', colour: 1 }),
      ),
    ).toEqual([
      'colour: unknown field',
      'prio: must be an integer',
      'name: missing',
      'port: must be a port number from 1 to 65535',
      'socket_type: missing',
      'user_name: missing',
      'authentication: missing',
    ]);
    expect(
      problemsOf(() =>
        sharedColumnsFromBody('davservers', {
          type: 'carddav',
          url: 'https://x/',
          port: 0,
          use_ssl: 1,
          domain_required: true,
          user_name: null,
        }),
      ),
    ).toEqual(['use_ssl: must be true or false']);
    expect(
      problemsOf(() => sharedColumnsFromBody('ldapservers', { ...LDAP, bind_password: 5 })),
    ).toEqual(['bind_password: must be a string or null']);
    expect(problemsOf(() => sharedColumnsFromBody('providers', { name: 'P' }))).toEqual([
      'short_name: missing',
    ]);
  });

  it.each([[null], [[]], ['servers'], [7]])('refuses %j as the body', (body) => {
    expect(problemsOf(() => sharedColumnsFromBody('servers', body))).toEqual([
      'document: expected a JSON object',
    ]);
  });

  it('takes a "__proto__" key for an unknown field', () => {
    const body = JSON.parse('{"__proto__": {"short_name": "S"}, "name": "P"}') as unknown;
    expect(problemsOf(() => sharedColumnsFromBody('providers', body))).toEqual([
      '__proto__: unknown field',
      'short_name: missing',
    ]);
  });
});
