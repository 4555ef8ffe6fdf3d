import 'reflect-metadata';
import request from 'supertest';
import type { DomainView } from '../../src/admin/admin-store';
import { outlookRequest } from '../../src/preview/preview.service';
import { useAdminApp } from '../support/admin-app';
import { domainPath, expectStatus } from '../support/admin-client';

/**
 * GET /admin/api/v1/preview over real HTTP on SQLite: each client's document is the one
 * its client route answers for the same address (the same services, never a second
 * renderer), each summary the account that client sets up, and a change through the
 * API shows at once.
 */

interface ClientPreviewJson {
  readonly client: string;
  readonly label: string;
  readonly request: string;
  readonly status: number;
  readonly content_type: string | null;
  readonly document: string;
  readonly accepted: boolean;
  readonly summary: string;
}

interface PreviewJson {
  readonly address: string;
  readonly domain: string;
  readonly clients: readonly ClientPreviewJson[];
}

/** Profiles carry fresh UUIDs per request: compared without them. */
const withoutUuids = (profile: string) =>
  profile.replace(/[0-9a-f]{32}/g, '<uuid>').replace(/[0-9a-f-]{36}/g, '<uuid>');

describe('GET /admin/api/v1/preview', () => {
  const admin = useAdminApp('sqlite-memory');

  beforeAll(async () => {
    await request(admin.current.app.url).get('/initdb/').expect(200);
  });

  const preview = async (address: string): Promise<PreviewJson> => {
    const answer = expectStatus(
      await admin.current.client.get(`/preview?address=${encodeURIComponent(address)}`),
      200,
    );
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    return answer.json as PreviewJson;
  };
  const clientOf = (result: PreviewJson, client: string): ClientPreviewJson => {
    const found = result.clients.find((entry) => entry.client === client);
    if (found === undefined) throw new Error(`no ${client} in the preview`);
    return found;
  };

  it('gives every client, in order, the document its route answers for the address', async () => {
    const url = admin.current.app.url;
    const result = await preview('alice@example.com');
    expect(result.address).toBe('alice@example.com');
    expect(result.domain).toBe('example.com');
    expect(result.clients.map((entry) => [entry.client, entry.label])).toEqual([
      ['thunderbird', 'Thunderbird'],
      ['outlook', 'Outlook'],
      ['apple', 'Apple Mail and iOS'],
      ['k9', 'Thunderbird for Android (K-9)'],
    ]);
    for (const entry of result.clients) {
      expect({ client: entry.client, status: entry.status, accepted: entry.accepted }).toEqual({
        client: entry.client,
        status: 200,
        accepted: true,
      });
    }

    const thunderbird = await request(url)
      .get('/mail/config-v1.1.xml?emailaddress=alice%40example.com')
      .expect(200);
    expect(clientOf(result, 'thunderbird').document).toBe(thunderbird.text);
    expect(clientOf(result, 'thunderbird').content_type).toBe('application/xml');
    expect(clientOf(result, 'thunderbird').request).toBe(
      'GET /mail/config-v1.1.xml?emailaddress=alice%40example.com',
    );

    const outlook = await request(url)
      .post('/autodiscover/autodiscover.xml')
      .set('Content-Type', 'text/xml; charset=utf-8')
      .send(outlookRequest('alice@example.com'))
      .expect(200);
    expect(clientOf(result, 'outlook').document).toBe(outlook.text);
    expect(outlook.text).toContain('<LoginName>alice@example.com</LoginName>');

    const apple = await request(url)
      .get('/mobileconfig/?emailaddress=alice%40example.com')
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      })
      .expect(200);
    expect(withoutUuids(clientOf(result, 'apple').document)).toBe(
      withoutUuids(apple.body as string),
    );
    expect(clientOf(result, 'apple').content_type).toBe('application/x-apple-aspen-config');

    const k9 = await request(url)
      .get('/mail/config-v1.1.xml')
      .set('Host', 'autoconfig.example.com')
      .expect(200);
    expect(clientOf(result, 'k9').document).toBe(k9.text);
    // K-9 asks without the address: the document keeps the placeholders, K-9 fills them.
    expect(k9.text).toContain('%EMAILADDRESS%');
    expect(clientOf(result, 'k9').summary).toContain('user alice@example.com');
  });

  it('says in one line what each client sets up, and that K-9 cannot use POP only', async () => {
    const result = await preview('bob@example.org');
    const summaries = Object.fromEntries(
      result.clients.map((entry) => [entry.client, [entry.accepted, entry.summary]]),
    );
    expect(summaries.thunderbird).toEqual([
      true,
      expect.stringMatching(
        /^POP3 pop1\.\S+:143 STARTTLS, password, user bob@example\.org; SMTP \S+:587 STARTTLS, password, user bob@example\.org$/,
      ),
    ]);
    expect(summaries.outlook).toEqual([
      true,
      expect.stringMatching(/^POP3 pop1\.\S+:143 STARTTLS/),
    ]);
    expect(summaries.apple).toEqual([
      true,
      expect.stringMatching(/^POP3 pop1\.\S+:143 SSL\/TLS \(UseSSL\),/),
    ]);
    expect(summaries.k9).toEqual([false, 'rejects the document: no IMAP server (POP only)']);
  });

  it('shows a change made through the API at once', async () => {
    const client = admin.current.client;
    const { view, etag } = await client.domain('example.org');
    const changed: DomainView = {
      ...view,
      servers: view.servers.map((server) =>
        server.type === 'pop' ? { ...server, type: 'imap', name: 'imap.preview.example' } : server,
      ),
    };
    expectStatus(
      await client.put(domainPath('example.org'), changed, { headers: { 'If-Match': etag } }),
      200,
    );
    try {
      const result = await preview('bob@example.org');
      expect(clientOf(result, 'thunderbird').summary).toMatch(
        /^IMAP imap\.preview\.example:143 STARTTLS/,
      );
      expect(clientOf(result, 'k9').accepted).toBe(true);
      expect(clientOf(result, 'k9').summary).toMatch(/^IMAP imap\.preview\.example:143 STARTTLS/);
      expect(clientOf(result, 'outlook').document).toContain(
        '<Server>imap.preview.example</Server>',
      );
    } finally {
      const { etag: now } = await client.domain('example.org');
      await client.put(domainPath('example.org'), view, { headers: { 'If-Match': now } });
    }
  });

  it('answers a route without a document with its status and why', async () => {
    const client = admin.current.client;
    const { view, etag } = await client.domain('example.net');
    // Without an incoming server Apple's route answers 400; the others still answer.
    const smtpOnly = { ...view, servers: view.servers.filter((server) => server.type === 'smtp') };
    expectStatus(
      await client.put(domainPath('example.net'), smtpOnly, { headers: { 'If-Match': etag } }),
      200,
    );
    const result = await preview('carol@example.net');
    expect(clientOf(result, 'apple')).toMatchObject({
      status: 400,
      content_type: null,
      document: '',
      accepted: false,
      summary: 'no configuration (HTTP 400: No IMAP or POP server for domain)',
    });
    expect(clientOf(result, 'thunderbird')).toMatchObject({
      status: 200,
      accepted: false,
      summary: 'rejects the document: no usable incoming server (there is none)',
    });
  });

  it('refuses a missing or bad address (400, field address) and an unknown domain (404)', async () => {
    const client = admin.current.client;
    for (const query of [
      '',
      '?address=',
      '?address=nobody',
      '?address=a%40b%40c',
      '?address=a%40exa%20mple.com',
    ]) {
      const answer = await client.get(`/preview${query}`);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(answer.json).toMatchObject({
        error: expect.stringMatching(/^address: /),
        field: 'address',
      });
    }
    const twice = await client.get('/preview?address=a%40example.com&address=b%40example.com');
    expect(twice.status).toBe(400);
    const unknown = await client.get('/preview?address=alice%40nowhere.example');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error: 'domain not found' });
  });

  it('needs a valid token', async () => {
    const client = admin.current.client;
    for (const token of [null, 'not-a-token']) {
      const answer = await client.withToken(token).get('/preview?address=alice%40example.com');
      expect(answer.status).toBe(401);
      expect(answer.text).not.toContain('example.com');
    }
  });
});
