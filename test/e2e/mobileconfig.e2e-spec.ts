import { parse as parsePlist, type PlistValue } from 'plist';
import request from 'supertest';
import type { HttpAdapterName } from '../../src/config/app-config';
import { checkAppleProfile } from '../clients/apple-profile-rules';
import {
  expectProfileAsStored,
  loadRichData,
  RICH_DOMAINS,
  type RichDomain,
} from '../clients/rich-data';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  createTestDatabase,
  describeDialect,
  ENGINE_DIALECTS,
  type TestDatabase,
} from '../support/test-databases';
import { binaryBody } from '../support/binary-body';

/**
 * Mobileconfig end to end (BEHAVIOUR.md §1, §2, §6, §7; CLIENTS.md "mobileconfig
 * rules"), on the three engines and on both adapters. Signing: mobileconfig-signing.
 */

const PATH = '/mobileconfig/';
const CONTENT_TYPE = 'application/x-apple-aspen-config';
const MISSING = 'Missing request argument "emailaddress"';
const DROPPED = 'password parameter dropped: PERMIT_CLEARTEXT_PASSWORDS not set';
const UUID = /^[0-9a-f]{32}$/;

/**
 * Nest's Logger writes to the logger of the application created last in this process,
 * so every app of this file logs into the same list.
 */
const logLines: string[] = [];

type Dict = Readonly<Record<string, PlistValue>>;

interface Profile {
  readonly xml: string;
  readonly top: Dict;
  readonly mail: Dict;
  /** CalDAV / CardDAV payloads by PayloadType suffix (`caldav`, `carddav`). */
  readonly dav: ReadonlyMap<string, Dict>;
}

function asDict(value: PlistValue | undefined): Dict {
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    value instanceof Date ||
    Buffer.isBuffer(value)
  ) {
    throw new Error('expected a dict');
  }
  return value as Dict;
}

function text(value: PlistValue | undefined): string {
  if (typeof value !== 'string') throw new Error('expected a string');
  return value;
}

function readProfile(xml: string): Profile {
  const top = asDict(parsePlist(xml));
  const content = top.PayloadContent;
  if (!Array.isArray(content)) throw new Error('PayloadContent is not an array');
  const [mail, ...rest] = content.map(asDict);
  if (!mail) throw new Error('no mail payload');
  const dav = new Map(
    rest.map((payload) => [text(payload.PayloadType).split('.')[2] ?? '', payload] as const),
  );
  return { xml, top, mail, dav };
}

/** GET /mobileconfig/ with the query written as given (no re-encoding). */
function get(app: TestApp, query: string) {
  return request(app.url).get(`${PATH}?${query}`).buffer(true).parse(binaryBody);
}

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** A 200 profile, checked against the Apple rules, read back with plist.parse. */
async function profile(app: TestApp, params: Record<string, string>): Promise<Profile> {
  const response = await get(app, q(params));
  expect([response.status, response.headers['content-type']]).toEqual([200, CONTENT_TYPE]);
  const xml = (response.body as Buffer).toString('utf8');
  expect(checkAppleProfile(xml)).toEqual([]);
  return readProfile(xml);
}

async function expectError(app: TestApp, query: string, status: number, body?: string | RegExp) {
  const response = await get(app, query);
  expect(response.status).toBe(status);
  const text = (response.body as Buffer).toString('utf8');
  if (status === 204) {
    expect(text).toBe('');
    return;
  }
  expect(String(response.headers['content-type'])).toMatch(/^text\/plain/);
  if (typeof body === 'string') expect(text).toBe(body);
  else if (body) expect(text).toMatch(body);
}

async function resetToSampleData(app: TestApp): Promise<void> {
  await request(app.url).delete('/initdb/').expect(200);
  await request(app.url).get('/initdb/').expect(200);
}

async function resetToDocument(app: TestApp, document: string): Promise<void> {
  await request(app.url).delete('/initdb/').expect(200);
  await request(app.url)
    .post('/initdb/')
    .set('Content-Type', 'application/json')
    .send(document)
    .expect(200);
}

/** GET /initdb/ sample data: hosts are `<label>.<32 hex>.com`. */
const SAMPLE_HOST = /^([a-z0-9-]+)\.[0-9a-f]{32}\.com$/;
const sampleLabel = (value: PlistValue | undefined) =>
  SAMPLE_HOST.exec(typeof value === 'string' ? value : '')?.[1];

function uuidsOf(profile: Profile): string[] {
  return [profile.top, profile.mail, ...profile.dav.values()].map((dict) => text(dict.PayloadUUID));
}

/** New log lines while `run` runs. */
async function logDuring(run: () => Promise<unknown>): Promise<string[]> {
  const before = logLines.length;
  await run();
  return logLines.slice(before);
}

/**
 * What every adapter must get right, on the sample data of GET /initdb/. `getApp` is
 * read when each test runs (the app is started in a beforeAll).
 */
function coreCases(getApp: () => TestApp): void {
  it('answers user@example.com with the IMAP and SMTP servers and both DAV payloads', async () => {
    const { top, mail, dav } = await profile(getApp(), { emailaddress: 'user@example.com' });
    expect(top).toMatchObject({
      PayloadDisplayName: 'example.com accounts',
      PayloadIdentifier: expect.stringMatching(/^automx2-[0-9a-f]{32}$/) as unknown,
      PayloadRemovalDisallowed: false,
      PayloadType: 'Configuration',
      PayloadVersion: 1,
    });
    expect(mail).toMatchObject({
      EmailAccountType: 'EmailTypeIMAP',
      EmailAddress: 'user@example.com',
      IncomingMailServerAuthentication: 'EmailAuthPassword',
      IncomingMailServerPortNumber: 143,
      IncomingMailServerUseSSL: true,
      IncomingMailServerUsername: 'user@example.com',
      OutgoingMailServerPortNumber: 587,
      OutgoingMailServerUseSSL: true,
      OutgoingMailServerUsername: 'user@example.com',
      OutgoingPasswordSameAsIncomingPassword: true,
      PayloadType: 'com.apple.mail.managed',
    });
    expect(sampleLabel(mail.IncomingMailServerHostName)).toBe('imap1');
    expect(sampleLabel(mail.OutgoingMailServerHostName)).toBe('primary-smtp');
    expect(mail).not.toHaveProperty('EmailAccountName');
    expect(mail).not.toHaveProperty('IncomingPassword');
    expect([...dav.keys()]).toEqual(['caldav', 'carddav']);
    const caldav = dav.get('caldav') ?? {};
    expect(sampleLabel(caldav.CalDAVHostName)).toBe('caldav');
    expect(caldav).toMatchObject({
      CalDAVUsername: 'user@example.com',
      CalDAVUseSSL: true,
      CalDAVPort: 443,
      CalDAVPrincipalURL: expect.stringMatching(/^https:\/\/caldav\.[0-9a-f]{32}\.com$/) as unknown,
    });
    const carddav = dav.get('carddav') ?? {};
    expect(sampleLabel(carddav.CardDAVHostName)).toBe('carddav');
    expect(carddav).toMatchObject({ CardDAVUseSSL: false });
    // Port 0 and none in the URL; user_name NULL.
    expect(carddav).not.toHaveProperty('CardDAVPort');
    expect(carddav).not.toHaveProperty('CardDAVUsername');
  });

  it('sends the exact content type and a download file name', async () => {
    const response = await get(getApp(), q({ emailaddress: 'user@example.com' })).expect(200);
    expect(response.headers['content-type']).toBe(CONTENT_TYPE);
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="example.com.mobileconfig"',
    );
    expect(Number(response.headers['content-length'])).toBe((response.body as Buffer).length);
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await request(getApp().url)
      .head(PATH)
      .query({ emailaddress: 'user@example.com' })
      .expect(200);
    expect(response.headers['content-type']).toBe(CONTENT_TYPE);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename=/);
    expect(response.text ?? '').toBe('');
  });

  it('/mobileconfig redirects with 308 to /mobileconfig/, query kept', async () => {
    const query = 'emailaddress=user%40example.com&name=A+B';
    const response = await request(getApp().url).get(`/mobileconfig?${query}`).expect(308);
    expect(response.headers.location).toBe(`/mobileconfig/?${query}`);
  });

  it.each([
    ['missing', 'name=x'],
    ['empty', 'emailaddress='],
    ['blank', 'emailaddress=%20%20'],
    ['in array form', 'emailaddress[]=user%40example.com'],
  ])('emailaddress %s: 400', async (_case, query) => {
    await expectError(getApp(), query, 400, MISSING);
  });

  it.each(['user', 'a@b@example.com', '@example.com', 'user@'])(
    'malformed address %p: 400',
    async (address) => {
      await expectError(getApp(), q({ emailaddress: address }), 400, /^Invalid e-mail address/);
    },
  );

  it('unknown domain: 204', async () => {
    await expectError(getApp(), q({ emailaddress: 'user@unknown.tld' }), 204);
  });

  it('drops a password unless permitted, with one warning that does not show it', async () => {
    const logged = await logDuring(async () => {
      const { mail } = await profile(getApp(), {
        emailaddress: 'user@example.com',
        password: 'Sup3r-s3cret',
      });
      expect(mail).not.toHaveProperty('IncomingPassword');
      expect(mail).not.toHaveProperty('OutgoingPassword');
    });
    const warnings = logged.filter((line) => line.includes(DROPPED));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/WARNING/);
    expect(logged.join('')).not.toContain('Sup3r-s3cret');
  });
}

describe.each(ENGINE_DIALECTS)('mobileconfig on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    let db: TestDatabase;
    let app: TestApp;

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      app = await startTestApp({ dbUri: db.dbUri, logLines });
    });

    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    describe('the sample data of GET /initdb/', () => {
      beforeAll(() => resetToSampleData(app));

      coreCases(() => app);

      it('falls back to POP for example.org', async () => {
        const { mail } = await profile(app, { emailaddress: 'someone@example.org' });
        expect(mail.EmailAccountType).toBe('EmailTypePOP');
        expect(sampleLabel(mail.IncomingMailServerHostName)).toBe('pop1');
        expect(sampleLabel(mail.OutgoingMailServerHostName)).toBe('secondary-smtp');
      });

      it('serverless.tld (no servers): 400', async () => {
        await expectError(app, q({ emailaddress: 'a@serverless.tld' }), 400, /server/i);
      });

      it('ham-n-eggs.tld (its only server has type INVALID, so no IMAP or POP): 400', async () => {
        await expectError(app, q({ emailaddress: 'a@ham-n-eggs.tld' }), 400, /IMAP or POP/);
      });

      it('puts the name parameter in EmailAccountName, escaped, and reads it back', async () => {
        const name = `Jane <b>"O'Neil" & Co</b> ]]> Müller`;
        const { xml, mail } = await profile(app, { emailaddress: 'jane@example.com', name });
        expect(mail.EmailAccountName).toBe(name);
        expect(xml).not.toContain('<b>');
        expect(xml).toContain('&lt;b&gt;');
        expect(xml).toContain('&amp; Co');
      });

      it('keeps a placeholder-looking local part literal (no recursion)', async () => {
        const address = '%EMAILADDRESS%@example.com';
        const { mail, dav } = await profile(app, { emailaddress: address });
        expect(mail.EmailAddress).toBe(address);
        expect(mail.IncomingMailServerUsername).toBe(address);
        expect(mail.OutgoingMailServerUsername).toBe(address);
        expect(dav.get('caldav')?.CalDAVUsername).toBe(address);
      });

      it('reads a space in the local part as + (an unencoded +)', async () => {
        const response = await get(app, 'emailaddress=first+last@example.com').expect(200);
        const { mail } = readProfile((response.body as Buffer).toString('utf8'));
        expect(mail.EmailAddress).toBe('first+last@example.com');
      });

      it('keeps PayloadIdentifier stable per address, with new UUIDs every time', async () => {
        const first = await profile(app, { emailaddress: 'user@example.com' });
        const second = await profile(app, { emailaddress: 'user@example.com' });
        const other = await profile(app, { emailaddress: 'other@example.com' });
        expect(second.top.PayloadIdentifier).toBe(first.top.PayloadIdentifier);
        expect(other.top.PayloadIdentifier).not.toBe(first.top.PayloadIdentifier);
        const uuids = [...uuidsOf(first), ...uuidsOf(second)];
        expect(uuids).toHaveLength(8);
        for (const uuid of uuids) expect(uuid).toMatch(UUID);
        expect(new Set(uuids).size).toBe(uuids.length);
        expect(first.mail.PayloadIdentifier).toBe(`com.apple.mail.managed.${uuidsOf(first)[1]}`);
      });

      describe('with PERMIT_CLEARTEXT_PASSWORDS', () => {
        let permitting: TestApp;

        beforeAll(async () => {
          permitting = await startTestApp({
            dbUri: db.dbUri,
            config: { permitCleartextPasswords: true },
            logLines,
          });
        });

        afterAll(async () => {
          await permitting?.close();
        });

        it('embeds the password, as given, without a warning', async () => {
          const password = 'p&ss <word> %EMAILADDRESS%';
          const logged = await logDuring(async () => {
            const { xml, mail } = await profile(permitting, {
              emailaddress: 'user@example.com',
              password,
            });
            expect(mail.IncomingPassword).toBe(password);
            expect(mail.OutgoingPassword).toBe(password);
            expect(xml).toContain('p&amp;ss &lt;word&gt;');
          });
          expect(logged.join('')).not.toContain(DROPPED);
        });

        it('needs the exact opt-in value in the environment', async () => {
          const optedIn = await startTestApp({
            dbUri: db.dbUri,
            env: { PERMIT_CLEARTEXT_PASSWORDS: 'I_understand_the_risks' },
            logLines,
          });
          const wrongValue = await startTestApp({
            dbUri: db.dbUri,
            env: { PERMIT_CLEARTEXT_PASSWORDS: 'yes' },
            logLines,
          });
          try {
            const params = { emailaddress: 'user@example.com', password: 'pw' };
            expect((await profile(optedIn, params)).mail.IncomingPassword).toBe('pw');
            expect((await profile(wrongValue, params)).mail).not.toHaveProperty('IncomingPassword');
          } finally {
            await optedIn.close();
            await wrongValue.close();
          }
        });
      });
    });

    describe('seed-example.json (POST /initdb/)', () => {
      beforeAll(() => resetToDocument(app, SEED_EXAMPLE_JSON));

      it('chooses the first encrypted server of each type in prio order', async () => {
        const { mail } = await profile(app, { emailaddress: 'user@example.com' });
        expect(mail).toMatchObject({
          EmailAccountType: 'EmailTypeIMAP',
          IncomingMailServerHostName: 'imap.example.com',
          IncomingMailServerPortNumber: 993,
          IncomingMailServerUseSSL: true,
          OutgoingMailServerHostName: 'submission.example.com',
          OutgoingMailServerPortNumber: 587,
          OutgoingMailServerUseSSL: true,
          IncomingMailServerUsername: 'user@example.com',
        });
      });

      it('expands placeholders in the DAV URLs', async () => {
        const { dav } = await profile(app, { emailaddress: 'user@example.com' });
        expect(dav.get('caldav')).toMatchObject({
          CalDAVHostName: 'dav.example.com',
          CalDAVPort: 443,
          CalDAVUseSSL: true,
          CalDAVUsername: 'user@example.com',
          CalDAVPrincipalURL: 'https://dav.example.com/calendars/user@example.com/',
        });
        expect(dav.get('carddav')).toMatchObject({
          CardDAVHostName: 'dav.example.com',
          CardDAVUseSSL: true,
          CardDAVPrincipalURL: 'https://dav.example.com/addressbooks/user@example.com/',
        });
        expect(dav.get('carddav')).not.toHaveProperty('CardDAVPort');
      });

      it('names an IDN domain in punycode in Content-Disposition, in both spellings', async () => {
        const identifiers: PlistValue[] = [];
        for (const address of ['a@bücher.example', 'a@xn--bcher-kva.example']) {
          const response = await get(app, q({ emailaddress: address })).expect(200);
          expect(response.headers['content-disposition']).toBe(
            'attachment; filename="xn--bcher-kva.example.mobileconfig"',
          );
          const { top, mail } = readProfile((response.body as Buffer).toString('utf8'));
          expect(mail.EmailAddress).toBe(address);
          identifiers.push(top.PayloadIdentifier ?? '');
        }
        expect(identifiers[1]).toBe(identifiers[0]);
      });

      it('puts the queried domain, as given, into the display names', async () => {
        const { top, mail } = await profile(app, { emailaddress: 'a@bücher.example' });
        expect(top.PayloadDisplayName).toBe('bücher.example accounts');
        expect(mail.PayloadDisplayName).toBe('bücher.example');
      });
    });

    describe('rich data written with plain SQL (issue 13)', () => {
      beforeAll(() => loadRichData(app, db));

      const domainNamed = (name: string) => RICH_DOMAINS.find((domain) => domain.name === name)!;

      /**
       * The profile for an address, checked against the rows; undefined for a 400 that
       * the domain allows (an authentication Apple has no word for).
       */
      async function richProfile(
        domain: RichDomain,
        address: string,
      ): Promise<Profile | undefined> {
        const response = await get(app, q({ emailaddress: address }));
        const body = (response.body as Buffer).toString('utf8');
        if (domain.profile === 'may-refuse' && response.status === 400) {
          expect(String(response.headers['content-type'])).toMatch(/^text\/plain/);
          return undefined;
        }
        expect([
          response.status,
          response.headers['content-type'],
          response.status === 200 ? '' : body,
        ]).toEqual([200, CONTENT_TYPE, '']);
        expectProfileAsStored(body, domain, address);
        return readProfile(body);
      }

      it.each(RICH_DOMAINS.map((domain) => [domain.name, domain.about, domain] as const))(
        '%s (%s): Apple devices read the rows, for every spelling of the address',
        async (_name, _about, domain) => {
          for (const address of domain.addresses) await richProfile(domain, address);
        },
      );

      it('sockets.example: the ssl server is chosen and encrypted; PLAIN and plain are passwords', async () => {
        const { mail } = (await richProfile(
          domainNamed('sockets.example'),
          'user@sockets.example',
        ))!;
        expect(mail).toMatchObject({
          IncomingMailServerHostName: 'imap-ssl.sockets.example',
          IncomingMailServerPortNumber: 993,
          IncomingMailServerUseSSL: true,
          IncomingMailServerAuthentication: 'EmailAuthPassword',
          OutgoingMailServerHostName: 'smtp-starttls.sockets.example',
          OutgoingMailServerPortNumber: 587,
          OutgoingMailServerUseSSL: true,
          OutgoingMailServerAuthentication: 'EmailAuthPassword',
        });
      });

      it('Legacy-Auth.Example: NTLM in any case; UseSSL false only for the unencrypted server', async () => {
        const { mail } = (await richProfile(
          domainNamed('Legacy-Auth.Example'),
          'user@legacy-auth.example',
        ))!;
        expect(mail).toMatchObject({
          IncomingMailServerPortNumber: 143,
          IncomingMailServerUseSSL: false,
          IncomingMailServerAuthentication: 'EmailAuthNTLM',
          OutgoingMailServerHostName: 'smtp-ntlm.legacy-auth.example',
          OutgoingMailServerUseSSL: true,
          OutgoingMailServerAuthentication: 'EmailAuthNTLM',
        });
      });

      it('münchen.example: host names as A-labels, DAV URLs in ASCII with the address expanded', async () => {
        const { top, mail, dav } = (await richProfile(
          domainNamed('münchen.example'),
          'jörg@münchen.example',
        ))!;
        expect(mail).toMatchObject({
          EmailAddress: 'jörg@münchen.example',
          IncomingMailServerHostName: 'imap.xn--bcher-kva.example',
          OutgoingMailServerHostName: 'smtp.xn--bcher-kva.example',
        });
        expect(dav.get('caldav')).toMatchObject({
          CalDAVHostName: 'kalender.xn--bcher-kva.example',
          CalDAVPrincipalURL:
            'https://kalender.xn--bcher-kva.example/kalender/j%C3%B6rg@m%C3%BCnchen.example/stra%C3%9Fe/',
        });
        expect(dav.get('carddav')).toMatchObject({
          CardDAVHostName: 'dav.example.net',
          CardDAVPrincipalURL: 'https://dav.example.net/adressb%C3%BCcher/j%C3%B6rg/',
        });
        expect(top.PayloadDisplayName).toBe('münchen.example accounts');
      });

      it('ports.example: rows with ports 0, -1, 65536 and 70000 are not in the profile at all', async () => {
        const { xml, mail, dav } = (await richProfile(
          domainNamed('ports.example'),
          'user@ports.example',
        ))!;
        expect(mail).toMatchObject({
          IncomingMailServerHostName: 'imap.ports.example',
          IncomingMailServerPortNumber: 993,
          OutgoingMailServerHostName: 'smtp.ports.example',
          OutgoingMailServerPortNumber: 587,
        });
        expect(dav.size).toBe(0);
        expect(xml).not.toMatch(/port0|port70000|port65536|negative|dav-port70000/);
      });
    });
  });
});

describe.each(['fastify', 'express'] as const satisfies readonly HttpAdapterName[])(
  'mobileconfig on %s (sqlite in memory)',
  (adapter) => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startTestApp({ dbUri: 'sqlite:///:memory:', adapter, logLines });
      await resetToSampleData(app);
    });

    afterAll(async () => {
      await app?.close();
    });

    coreCases(() => app);
  },
);
