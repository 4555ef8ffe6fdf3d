import { XMLParser } from 'fast-xml-parser';
import { parse as parsePlist } from 'plist';
import request from 'supertest';
import { describeWith } from '../support/services';
import { startSlapd, type SlapdInstance } from '../support/slapd';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';

const outlookRequest = (address: string) =>
  '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">' +
  `<Request><EMailAddress>${address}</EMailAddress>` +
  '<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>' +
  '</Request></Autodiscover>';

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false });

async function appFor(
  slapd: SlapdInstance,
  options: { bindPassword?: string; noMatch?: '204' | 'generic'; logLines?: string[] } = {},
): Promise<TestApp> {
  const app = await startTestApp({
    env: {
      LDAP_HOSTNAME: '127.0.0.1',
      LDAP_PORT: String(slapd.securePort),
      LDAP_BIND_USER: slapd.bindDn,
      LDAP_BIND_PASSWORD: options.bindPassword ?? slapd.bindPassword,
      LDAP_SEARCH_BASE: slapd.baseDn,
    },
    config: {
      // The sample LDAP server (use_ssl, LDAPS) is verified against the test CA.
      directory: {
        ...testConfig().directory,
        caFile: slapd.caFile,
        noMatch: options.noMatch ?? '204',
        cacheTtlMs: 0,
      },
    },
    logLines: options.logLines,
  });
  await request(app.url).get('/initdb/').expect(200);
  return app;
}

describeWith('slapd')('protocol routes for an LDAP-backed domain (sample data)', () => {
  let slapd: SlapdInstance;
  let app: TestApp;

  beforeAll(async () => {
    slapd = await startSlapd();
    app = await appFor(slapd);
  });

  afterAll(async () => {
    await app?.close();
    await slapd?.stop();
  });

  it('autoconfig: the uid replaces every username', async () => {
    const response = await request(app.url)
      .get('/mail/config-v1.1.xml')
      .query({ emailaddress: 'alice@example.com' })
      .expect(200);
    const usernames = [...response.text.matchAll(/<username>([^<]*)<\/username>/g)].map(
      (match) => match[1],
    );
    expect(usernames.length).toBeGreaterThan(0);
    expect(new Set(usernames)).toEqual(new Set(['alice']));
  });

  it('autodiscover: LoginName from uid, DisplayName from cn', async () => {
    const response = await request(app.url)
      .post('/autodiscover/autodiscover.xml')
      .set('Content-Type', 'text/xml')
      .send(outlookRequest('alice@example.com'))
      .expect(200);
    const doc = xml.parse(response.text) as {
      Autodiscover: {
        Response: {
          User: { DisplayName: string };
          Account: { Protocol: { Type: string; LoginName?: string }[] };
        };
      };
    };
    expect(doc.Autodiscover.Response.User.DisplayName).toBe('Alice Example');
    const mail = doc.Autodiscover.Response.Account.Protocol.filter((p) =>
      ['IMAP', 'POP3', 'SMTP'].includes(p.Type),
    );
    expect(mail.map((p) => p.LoginName)).toEqual(mail.map(() => 'alice'));
  });

  it('mobileconfig: usernames from uid, EmailAccountName from cn', async () => {
    const response = await request(app.url)
      .get('/mobileconfig/')
      .query({ emailaddress: 'alice@example.com' })
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    const profile = parsePlist(response.body as string) as {
      PayloadContent: Record<string, unknown>[];
    };
    const mail = profile.PayloadContent[0]!;
    expect(mail.EmailAccountName).toBe('Alice Example');
    expect(mail.IncomingMailServerUsername).toBe('alice');
    expect(mail.OutgoingMailServerUsername).toBe('alice');
  });

  it('multi-valued attributes give their first value', async () => {
    const response = await request(app.url)
      .get('/mail/config-v1.1.xml')
      .query({ emailaddress: 'bob@example.com' })
      .expect(200);
    expect(response.text).toContain('<username>bob</username>');
  });

  it('an address the directory does not know is 204; other domains are unaffected', async () => {
    await request(app.url)
      .get('/mail/config-v1.1.xml')
      .query({ emailaddress: 'nobody@example.com' })
      .expect(204);
    await request(app.url)
      .get('/mail/config-v1.1.xml')
      .query({ emailaddress: '*)(uid=*@example.com' })
      .expect(204);
    await request(app.url)
      .get('/mail/config-v1.1.xml')
      .query({ emailaddress: 'nobody@example.net' })
      .expect(200);
  });

  it('a directory outage is a 503 with Retry-After for LDAP domains only, then recovers', async () => {
    await slapd.kill();
    try {
      const down = await request(app.url)
        .get('/mail/config-v1.1.xml')
        .query({ emailaddress: 'alice@example.com' })
        .expect(503);
      expect(down.headers['retry-after']).toBeDefined();
      await request(app.url)
        .get('/mail/config-v1.1.xml')
        .query({ emailaddress: 'user@example.net' })
        .expect(200);
    } finally {
      await slapd.restart();
    }
    await request(app.url)
      .get('/mail/config-v1.1.xml')
      .query({ emailaddress: 'alice@example.com' })
      .expect(200);
  });
});

describeWith('slapd')('LDAP options', () => {
  let slapd: SlapdInstance;

  beforeAll(async () => {
    slapd = await startSlapd();
  });

  afterAll(async () => {
    await slapd?.stop();
  });

  it('ldap_no_match = generic answers with the database usernames', async () => {
    const app = await appFor(slapd, { noMatch: 'generic' });
    try {
      const response = await request(app.url)
        .get('/mail/config-v1.1.xml')
        .query({ emailaddress: 'nobody@example.com' })
        .expect(200);
      expect(response.text).toContain('<username>%EMAILADDRESS%</username>');
    } finally {
      await app.close();
    }
  });

  describe('ldap_no_match = generic: a known and an unknown address look alike', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await appFor(slapd, { noMatch: 'generic' });
    });
    afterAll(async () => {
      await app?.close();
    });

    const routes: Record<string, (address: string) => request.Test> = {
      autoconfig: (address) =>
        request(app.url).get('/mail/config-v1.1.xml').query({ emailaddress: address }),
      autodiscover: (address) =>
        request(app.url)
          .post('/autodiscover/autodiscover.xml')
          .set('Content-Type', 'text/xml')
          .send(outlookRequest(address)),
      mobileconfig: (address) =>
        request(app.url)
          .get('/mobileconfig/')
          .query({ emailaddress: address })
          .buffer(true)
          .parse((res, done) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => done(null, text));
          }),
    };

    /** The document's elements in order, without any text. */
    const shape = (body: string) => body.replace(/>[^<]*</g, '><');
    const headersOf = (response: request.Response) => {
      const headers = { ...response.headers } as Record<string, string>;
      for (const name of ['date', 'content-length', 'content-disposition']) delete headers[name];
      return headers;
    };

    it.each(Object.keys(routes))('%s: same status, headers and shape; no name', async (route) => {
      const known = await routes[route]!('alice@example.com');
      const unknown = await routes[route]!('nobody@example.com');
      expect(known.status).toBe(200);
      expect(unknown.status).toBe(known.status);
      expect(headersOf(unknown)).toEqual(headersOf(known));
      const bodyOf = (response: request.Response) =>
        typeof response.body === 'string' ? response.body : response.text;
      const knownBody = bodyOf(known);
      const unknownBody = bodyOf(unknown);
      expect(knownBody).not.toContain('Alice Example');
      expect(knownBody).not.toMatch(/DisplayName>Alice|EmailAccountName/);
      // The username text itself is the one difference left (README says so).
      expect(knownBody).toContain('alice');
      expect(shape(knownBody)).toEqual(shape(unknownBody));
    });
  });

  it('a refused bind is a 400 and never shows the password', async () => {
    const logLines: string[] = [];
    const app = await appFor(slapd, { bindPassword: 'wrong-secret-4243', logLines });
    try {
      const response = await request(app.url)
        .get('/mail/config-v1.1.xml')
        .query({ emailaddress: 'alice@example.com' })
        .expect(400);
      expect(response.text).not.toContain('wrong-secret-4243');
      expect(logLines.join('')).not.toContain('wrong-secret-4243');
    } finally {
      await app.close();
    }
  });
});
