import type { SharedKind } from '../../src/admin/admin-store';
import { useAdminApp } from '../support/admin-app';
import { domainPath, type AdminAnswer, type SendOptions } from '../support/admin-client';
import {
  davServer,
  domainBody,
  generatedExport,
  imapServer,
  ldapServer,
  provider,
  type DomainBody,
} from '../support/admin-documents';
import { expectError, expectRefused } from '../support/admin-expect';
import { describeDialect, ENGINE_DIALECTS } from '../support/test-databases';

/**
 * Hostile bodies on every admin route that takes one (PUT of a domain and of each kind
 * of shared row, POST /import in both modes), in the classes of the seeding tests
 * (test/hostile/, src/provisioning/seed-document.spec.ts): malformed JSON, wrong types
 * at every field, arrays for objects, nested arrays, deep nesting, huge strings,
 * control characters, lone surrogates, bad ports, `__proto__` / `constructor` keys,
 * invalid UTF-8, wrong media types and empty bodies. Each is a short JSON 400, 413 or
 * 415; nothing stored changes (GET /export before and after), no prototype is touched,
 * nothing is logged as an error.
 */

const BODY_LIMIT = 64 * 1024;
const IMPORT_LIMIT = 512 * 1024;
const SECRET = 'Hostile-Bind-Secret-7';

type Json = Record<string, unknown>;
type Route = 'domain' | SharedKind | 'import-merge' | 'import-replace';

/** What a field holds, which decides the values that are wrong for it. */
type FieldKind =
  | 'string'
  | 'nullable-string'
  | 'service-port'
  | 'dav-port'
  | 'int'
  | 'bool'
  | 'object'
  | 'nullable-object'
  | 'array'
  | 'optional-array'
  | 'optional-string';

const WRONG_VALUES: Readonly<Record<FieldKind, readonly unknown[]>> = {
  string: [null, 0, true, [], {}],
  'optional-string': [0, true, ['x'], {}],
  'nullable-string': [0, false, [], {}],
  'service-port': [null, 0, 65536, -1, 1.5, '993', []],
  'dav-port': [null, 65536, -1, 1.5, '993'],
  int: [null, '5', 1.5, true, 2147483648, -2147483649],
  bool: [null, 0, 1, 'true', {}],
  object: [null, 'x', 1, [], [[]], [{}]],
  'nullable-object': ['x', 1, true, [], [[]]],
  array: [null, {}, 'x', [[]], [null], [1]],
  'optional-array': [{}, 1, [[]], [null], ['x']],
};

const SERVER_FIELDS: readonly [string, FieldKind][] = [
  ['type', 'string'],
  ['name', 'string'],
  ['port', 'service-port'],
  ['socket_type', 'string'],
  ['user_name', 'string'],
  ['authentication', 'string'],
  ['prio', 'int'],
];
const DAV_FIELDS: readonly [string, FieldKind][] = [
  ['type', 'string'],
  ['url', 'string'],
  ['port', 'dav-port'],
  ['use_ssl', 'bool'],
  ['domain_required', 'bool'],
  ['user_name', 'nullable-string'],
];
const LDAP_FIELDS: readonly [string, FieldKind][] = [
  ['name', 'string'],
  ['port', 'service-port'],
  ['use_ssl', 'bool'],
  ['search_base', 'string'],
  ['search_filter', 'string'],
  ['attr_uid', 'string'],
  ['attr_cn', 'nullable-string'],
  ['bind_user', 'nullable-string'],
  ['bind_password', 'nullable-string'],
];
const PROVIDER_FIELDS: readonly [string, FieldKind][] = [
  ['name', 'string'],
  ['short_name', 'string'],
];
const SHARED_FIELDS: Readonly<Record<SharedKind, readonly [string, FieldKind][]>> = {
  servers: SERVER_FIELDS,
  davservers: DAV_FIELDS,
  ldapservers: LDAP_FIELDS,
  providers: PROVIDER_FIELDS,
};

/** Every field of a domain body with its kind, as paths (`servers[0].port`). */
const DOMAIN_FIELDS: readonly [string, FieldKind][] = [
  ['name', 'optional-string'],
  ['provider', 'object'],
  ...PROVIDER_FIELDS.map(([field, kind]) => [`provider.${field}`, kind] as [string, FieldKind]),
  ['ldapserver', 'nullable-object'],
  ...LDAP_FIELDS.map(([field, kind]) => [`ldapserver.${field}`, kind] as [string, FieldKind]),
  ['servers', 'array'],
  ['servers[0]', 'object'],
  ...SERVER_FIELDS.map(([field, kind]) => [`servers[0].${field}`, kind] as [string, FieldKind]),
  ['davservers', 'optional-array'],
  ['davservers[0]', 'object'],
  ...DAV_FIELDS.map(([field, kind]) => [`davservers[0].${field}`, kind] as [string, FieldKind]),
];

/** A valid body for PUT /domains/hostile.example: every field present and set. */
function validDomain(): DomainBody {
  return domainBody('hostile', {
    name: 'hostile.example',
    ldapserver: ldapServer('ldap.hostile.example', { bind_password: SECRET }),
  });
}

/** The valid columns of each kind (PUT /{kind}/{id}). */
const VALID_COLUMNS: Readonly<Record<SharedKind, () => Json>> = {
  servers: () => ({ ...imapServer('imap.hostile.example') }),
  davservers: () => ({ ...davServer('https://dav.hostile.example/') }),
  ldapservers: () => ({ ...ldapServer('ldap.hostile.example', { bind_password: SECRET }) }),
  providers: () => ({ ...provider('Provider hostile', 'P-hostile') }),
};

/** A deep copy of `value` with the field at `path` (`a.b[0].c`) set to `replacement`. */
function withField(value: object, path: string, replacement: unknown): Json {
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  const steps = path.split(/\.|(?=\[)/).map((step) => {
    const index = /^\[(\d+)\]$/.exec(step);
    return index ? Number(index[1]) : step;
  });
  let target: Record<string | number, unknown> = copy;
  for (const step of steps.slice(0, -1)) target = target[step] as Record<string | number, unknown>;
  target[steps.at(-1)!] = replacement;
  return copy;
}

/** The field the API names first for a wrong value at `path`. */
function namedField(path: string, kind: FieldKind, value: unknown): string {
  const element =
    (kind === 'array' || kind === 'optional-array') && Array.isArray(value) && value.length > 0;
  return element ? `${path}[0]` : path;
}

const label = (value: unknown) => (JSON.stringify(value) ?? 'undefined').slice(0, 40);

describe.each(ENGINE_DIALECTS)('admin API hostile bodies on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    const logLines: string[] = [];
    const ctx = useAdminApp(dialect, {
      admin: { importLimit: IMPORT_LIMIT },
      config: { bodyLimit: BODY_LIMIT },
      logLines,
    });
    const client = () => ctx.current.client;
    /** The ids of the shared rows the base domain uses (targets of PUT /{kind}/{id}). */
    const ids = {} as Record<SharedKind, number>;
    let stored = '';
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

    beforeAll(async () => {
      const answer = await client().put(domainPath('hostile-base.example'), {
        ...domainBody('hostile-base', {
          ldapserver: ldapServer('ldap.hostile-base.example', { bind_password: SECRET }),
        }),
      });
      expect(answer.status).toBe(201);
      const view = answer.json as {
        provider: { id: number };
        ldapserver: { id: number };
        servers: { id: number }[];
        davservers: { id: number }[];
      };
      ids.providers = view.provider.id;
      ids.ldapservers = view.ldapserver.id;
      ids.servers = view.servers[0]!.id;
      ids.davservers = view.davservers[0]!.id;
      stored = await client().exportText();
    });

    afterEach(async () => {
      // Nothing stored changed, no prototype was touched, nothing was logged as an error.
      expect(await client().exportText()).toBe(stored);
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
      expect(({} as Json).polluted).toBeUndefined();
      expect(logLines.filter((line) => /\bERROR\b|\n\s+at /.test(line))).toEqual([]);
    });

    /** Sends `body` to `route` (PUT of a new domain, of an existing shared row, or import). */
    function send(
      route: Route,
      body: SendOptions['body'],
      options: SendOptions = {},
    ): Promise<AdminAnswer> {
      switch (route) {
        case 'domain':
          return client().put(domainPath('hostile.example'), body, options);
        case 'import-merge':
          return client().post('/import?mode=merge', body, options);
        case 'import-replace':
          return client().post('/import?mode=replace', body, options);
        case 'servers':
        case 'davservers':
        case 'ldapservers':
        case 'providers':
          return client().put(`/${route}/${ids[route]}`, body, options);
      }
    }

    const EVERY_ROUTE: readonly Route[] = [
      'domain',
      'servers',
      'davservers',
      'ldapservers',
      'providers',
      'import-merge',
      'import-replace',
    ];

    /** Sends `body` to every route; each answer must be `status` JSON, and not echo `secret`. */
    async function refusedEverywhere(
      body: SendOptions['body'],
      status: number,
      options: SendOptions = {},
      routes: readonly Route[] = EVERY_ROUTE,
    ): Promise<void> {
      for (const route of routes) {
        const answer = await send(route, body, options);
        const what = `${route} ${typeof body === 'string' ? body.slice(0, 60) : ''}`;
        expect({ what, status: answer.status }).toEqual({ what, status });
        expectError(answer, status);
        expect(answer.text).not.toContain(SECRET);
      }
    }

    it.each([
      ['an unclosed object', '{'],
      ['a missing value', '{"provider":'],
      ['a missing colon', '{"a" 1}'],
      ['single quotes', "{'provider': 'x'}"],
      ['a trailing comma', '{"version": 2,}'],
      ['an unclosed array', '[1, 2'],
      ['a bare word', 'nul'],
      ['NaN', '{"port": NaN}'],
      ['a leading zero', '{"port": 01}'],
      ['trailing garbage', '{} x'],
      ['two documents', '{}{}'],
      ['a bad escape', '{"provider": "\\x41"}'],
      ['an unterminated string', '{"provider": "abc'],
      ['a raw control character in a string', '{"provider": "a\u0001b"}'],
      ['a comment', '{/* c */}'],
    ])('malformed JSON (%s): 400 on every route', async (_label, body) => {
      await refusedEverywhere(body, 400);
    });

    it.each([
      ['empty', ''],
      ['blank', ' \r\n\t '],
      ['null', 'null'],
      ['false', 'false'],
      ['0', '0'],
      ['a string', '"x"'],
      ['an array', '[]'],
      ['an array of the object', '[{}]'],
      ['nested arrays', '[[[[[]]]]]'],
      ['an empty object', '{}'],
    ])('a body that is not an object of fields (%s): 400 on every route', async (_label, body) => {
      await refusedEverywhere(body, 400);
    });

    it('no body and no media type: 400 or 415 on every route', async () => {
      for (const route of EVERY_ROUTE) {
        const answer = await send(route, undefined);
        expect([400, 415]).toContain(answer.status);
        expectError(answer, answer.status);
      }
    });

    it.each(
      DOMAIN_FIELDS.flatMap(([path, kind]) =>
        WRONG_VALUES[kind].map((value) => [path, label(value), kind, value] as const),
      ),
    )('PUT of a domain with %s = %s: 400 naming it', async (path, _shown, kind, value) => {
      const answer = await send('domain', withField(validDomain(), path, value));
      const problems = expectRefused(answer);
      const field = namedField(path, kind, value);
      expect({ field: (answer.json as { field: string }).field }).toEqual({ field });
      expect(problems[0]).toMatch(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: `));
      expect(answer.text).not.toContain(SECRET);
    });

    it.each(
      (Object.keys(SHARED_FIELDS) as SharedKind[]).flatMap((kind) =>
        SHARED_FIELDS[kind].flatMap(([field, fieldKind]) =>
          WRONG_VALUES[fieldKind].map((value) => [kind, field, label(value), value] as const),
        ),
      ),
    )('PUT /%s/{id} with %s = %s: 400 naming it', async (kind, field, _shown, value) => {
      const answer = await send(kind, withField(VALID_COLUMNS[kind](), field, value));
      expectRefused(answer);
      expect({ field: (answer.json as { field: string }).field }).toEqual({ field });
      expect(answer.text).not.toContain(SECRET);
    });

    it.each<[string, Route]>([
      ['a domain', 'domain'],
      ...(Object.keys(SHARED_FIELDS) as SharedKind[]).map((kind): [string, Route] => [kind, kind]),
    ])('PUT of %s with a missing field: 400 naming each', async (_label, route) => {
      const valid: Json =
        route === 'domain'
          ? (validDomain() as unknown as Json)
          : VALID_COLUMNS[route as SharedKind]();
      // In a domain body `name`, `ldapserver` and `davservers` may be left out.
      const optional = route === 'domain' ? ['name', 'ldapserver', 'davservers'] : [];
      for (const field of Object.keys(valid).filter((key) => !optional.includes(key))) {
        const body = { ...valid };
        delete body[field];
        const answer = await send(route, body);
        expectRefused(answer);
        expect({ route, field: (answer.json as { field: string }).field }).toEqual({
          route,
          field,
        });
      }
    });

    it.each([
      [
        'U+0001 in the provider name',
        'provider.name',
        'Hostile\u0001 Provider',
        'must not contain control characters (found U+0001)',
      ],
      [
        'U+007F in a server name',
        'servers[0].name',
        'imap\u007f.hostile.example',
        'must not contain control characters (found U+007F)',
      ],
      [
        'a line feed in a DAV URL',
        'davservers[0].url',
        'https://dav.hostile.example/\n',
        'must not contain control characters (found U+000A)',
      ],
      [
        'a tab in a search base',
        'ldapserver.search_base',
        'dc=a,\tdc=b',
        'must not contain control characters (found U+0009)',
      ],
      ['NUL in the name', 'name', 'hostile.example\u0000', null],
      [
        'a C1 control in a bind password',
        'ldapserver.bind_password',
        `${SECRET}\u0085`,
        'must not contain control characters',
      ],
      [
        'a lone high surrogate in the provider name',
        'provider.name',
        'Hostile \ud800 Provider',
        'must not contain lone surrogates (found U+D800)',
      ],
      [
        'a lone low surrogate in a server name',
        'servers[0].name',
        'imap\udfff.hostile.example',
        'must not contain lone surrogates (found U+DFFF)',
      ],
      [
        'a lone surrogate in a bind password',
        'ldapserver.bind_password',
        `${SECRET}\ud800`,
        'must not contain lone surrogates',
      ],
      ['U+FFFE in a user name', 'servers[0].user_name', '%EMAILADDRESS%\ufffe', null],
    ])(
      '%s: 400 naming the field, never echoing a password',
      async (_label, path, value, message) => {
        // JSON.stringify writes a lone surrogate as an escape (\ud800), as a client would.
        const answer = await send('domain', withField(validDomain(), path, value));
        const problems = expectRefused(answer);
        expect((answer.json as { field: string }).field).toBe(path);
        if (message !== null) expect(problems[0]).toBe(`${path}: ${message}`);
        expect(answer.text).not.toContain(SECRET);
      },
    );

    it.each([
      ['imap', 'servers[0].port', [0, 65536, -1, 1.5, '993', 2 ** 31]],
      ['DAV', 'davservers[0].port', [65536, -1, 1.5, '993', -(2 ** 31)]],
      ['LDAP', 'ldapserver.port', [0, 65536, -1, 1.5, '993']],
    ] as const)('%s ports %j: 400 each, on PUT and in an import', async (_kind, path, ports) => {
      for (const port of ports) {
        const answer = await send('domain', withField(validDomain(), path, port));
        expectRefused(answer);
        expect({ port, field: (answer.json as { field: string }).field }).toEqual({
          port,
          field: path,
        });
      }
      const exportPath = path.startsWith('ldapserver')
        ? path.replace('ldapserver', 'ldapservers[0]')
        : path;
      const document = generatedExport('hostile-port', 2).document as unknown as Json;
      for (const port of ports) {
        for (const route of ['import-merge', 'import-replace'] as const) {
          const answer = await send(route, withField(document, exportPath, port));
          const problems = expectRefused(answer);
          // The first problem is the port's (others follow from the refused row).
          expect({ port, first: problems[0] }).toEqual({
            port,
            first: expect.stringMatching(
              new RegExp(`^${exportPath.replace(/[[\].]/g, '\\$&')}: `),
            ) as unknown,
          });
        }
      }
    });

    it('deep nesting (10,000 levels, 100,000 in an import): 400 or 413, quickly', async () => {
      const arrays = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const objects = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      expect(objects.length).toBeLessThan(BODY_LIMIT);
      await refusedEverywhere(arrays, 400);
      await refusedEverywhere(objects, 400);
      // Deep values in known fields (unknown fields are ignored, so they would not do).
      const valid = JSON.stringify(validDomain());
      const inName = valid.replace('"name":"Provider hostile"', `"name":${arrays}`);
      const deepProvider = valid.replace(
        '"name":"Provider hostile"',
        `"name":${'{"name":'.repeat(5000)}"x"${'}'.repeat(5000)}`,
      );
      const deepServers = valid.replace(
        /"servers":\[.*?\],"davservers"/,
        `"servers":${arrays},"davservers"`,
      );
      for (const body of [inName, deepProvider, deepServers]) expect(body).not.toBe(valid);
      for (const body of [inName, deepProvider, deepServers]) {
        const answer = await send('domain', body);
        expect([400, 413]).toContain(answer.status);
        expectError(answer, answer.status);
      }
      const deeper = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      for (const route of ['import-merge', 'import-replace'] as const) {
        expectError(await send(route, deeper), 400);
      }
    });

    it('huge strings: 400 naming the field within the limits, 413 beyond; never echoed', async () => {
      const long = 'x'.repeat(60_000);
      for (const path of [
        'provider.name',
        'servers[0].name',
        'davservers[0].url',
        'ldapserver.bind_password',
        'name',
      ]) {
        const answer = await send('domain', withField(validDomain(), path, long));
        expectRefused(answer);
        expect((answer.json as { field: string }).field).toBe(path);
        expect(answer.text).not.toContain('x'.repeat(200));
      }
      const longKey = JSON.stringify({ [long]: 1 });
      await refusedEverywhere(longKey, 400);
      await refusedEverywhere(
        JSON.stringify(withField(validDomain(), 'provider.name', 'x'.repeat(70_000))),
        413,
        {},
        ['domain', 'providers'],
      );
      // An import may be larger than body_limit, up to admin_import_limit.
      const document = generatedExport('hostile-huge', 2).document as unknown as Json;
      const inImport = await send(
        'import-merge',
        withField(document, 'providers[0].name', 'y'.repeat(400_000)),
      );
      expect(expectRefused(inImport)[0]).toBe('providers[0].name: longer than 128 characters');
      expect(inImport.text).not.toContain('y'.repeat(200));
      await refusedEverywhere(JSON.stringify({ padding: 'z'.repeat(IMPORT_LIMIT) }), 413, {}, [
        'import-merge',
        'import-replace',
      ]);
      // Chunked, without Content-Length: the same limits.
      await refusedEverywhere(
        JSON.stringify({ padding: 'z'.repeat(BODY_LIMIT) }),
        413,
        { chunked: true },
        ['domain', 'servers'],
      );
      await refusedEverywhere(
        JSON.stringify({ padding: 'z'.repeat(IMPORT_LIMIT) }),
        413,
        { chunked: true },
        ['import-merge'],
      );
    });

    it('many fields and many list items: 400, the first 100 problems named once, and their total', async () => {
      const manyKeys = JSON.stringify(
        Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])),
      );
      await refusedEverywhere(manyKeys, 400);
      const manyServers = { ...validDomain(), servers: Array.from({ length: 2000 }, () => ({})) };
      const answer = await send('domain', manyServers);
      const problems = expectRefused(answer);
      expect(problems).toHaveLength(100);
      expect(new Set(problems).size).toBe(problems.length);
      // Each empty server misses all seven of its columns.
      const body = answer.json as { problems_total?: number };
      expect(body.problems_total).toBeGreaterThanOrEqual(2000 * 7);
    });

    it('`__proto__` and `constructor` keys reach no prototype and are no way around a missing field', async () => {
      const valid = JSON.stringify(validDomain());
      const server = JSON.stringify(imapServer('imap.hostile.example'));
      const bodies: [Route, string][] = [
        ['domain', `{"__proto__": ${valid}}`],
        ['domain', `{"constructor": {"prototype": ${valid}}}`],
        ['domain', valid.replace(/"servers":\[\{/, `"servers":[{"__proto__": ${server}}, {`)],
        [
          'domain',
          valid.replace(
            /"provider":\{[^}]*\}/,
            '"provider": {"__proto__": {"name": "P", "short_name": "P"}}',
          ),
        ],
        [
          'domain',
          `{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}`,
        ],
        ['servers', `{"__proto__": ${server}}`],
        [
          'providers',
          '{"__proto__": {"name": "P", "short_name": "P"}, "constructor": {"name": "Q"}}',
        ],
        ['import-merge', `{"__proto__": ${JSON.stringify(generatedExport('proto', 1).document)}}`],
        [
          'import-merge',
          JSON.stringify(generatedExport('proto', 1).document).replace(
            /"providers":\[\{[^}]*\}\]/,
            '"providers":[{"__proto__": {"id": 1, "name": "P", "short_name": "P"}}]',
          ),
        ],
        [
          'import-replace',
          `{"constructor": {"prototype": ${JSON.stringify(generatedExport('proto', 1).document)}}}`,
        ],
      ];
      for (const [route, body] of bodies) {
        const answer = await send(route, body);
        expect({ route, body: body.slice(0, 80), status: answer.status }).toEqual({
          route,
          body: body.slice(0, 80),
          status: 400,
        });
        expectError(answer, 400);
      }
    });

    it.each([
      ['an overlong "." (C0 AE)', Buffer.from([0xc0, 0xae])],
      ['a lone continuation byte', Buffer.from([0x80])],
      ['an encoded surrogate (ED A0 80)', Buffer.from([0xed, 0xa0, 0x80])],
      ['a truncated sequence', Buffer.from([0xe2, 0x82])],
      ['bytes above U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80])],
      ['a UTF-16 byte-order mark', Buffer.from([0xff, 0xfe])],
      ['Latin-1 "ü"', Buffer.from([0xfc])],
    ])('invalid UTF-8 in a string (%s): 400 on every route', async (_label, bytes) => {
      const [before, after] = JSON.stringify(validDomain()).split('Provider hostile') as [
        string,
        string,
      ];
      const body = Buffer.concat([
        Buffer.from(`${before}Provider `, 'utf8'),
        bytes,
        Buffer.from(after, 'utf8'),
      ]);
      await refusedEverywhere(body, 400);
    });

    it.each([
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/json; charset=iso-8859-1',
      'application/json; charset=utf-16',
      '*/*',
      'json',
    ])('media type %j: 415 on every route', async (contentType) => {
      await refusedEverywhere(JSON.stringify(validDomain()), 415, { contentType });
    });

    it('a body without a media type: 415 on every route', async () => {
      await refusedEverywhere(JSON.stringify(validDomain()), 415, { contentType: null });
    });

    it('the base domain is still answered as before', async () => {
      expect((await client().get(domainPath('hostile-base.example'))).status).toBe(200);
      expect((await client().get(domainPath('hostile.example'))).status).toBe(404);
    });
  });
});
