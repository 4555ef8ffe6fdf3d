import { request as httpRequest } from 'node:http';
import { parse as parsePlist, type PlistObject } from 'plist';
import type { DomainView } from '../../src/admin/admin-store';
import { useAdminApp } from '../support/admin-app';
import { domainPath, expectStatus } from '../support/admin-client';
import { domainBody, imapServer, provider, smtpServer } from '../support/admin-documents';
import { expectJson } from '../support/admin-expect';
import { outlookRequestXml } from '../support/fixtures';
import { describeDialect, ENGINE_DIALECTS } from '../support/test-databases';

/**
 * The point of shared rows (docs/admin-api.md, "Shared rows"): one `PUT /servers/{id}`
 * changes the answers of every domain using the server, at once — autoconfig,
 * Autodiscover and mobileconfig, with the settings cache on and warm.
 */

const DOMAINS = Array.from(
  { length: 50 },
  (_, index) => `edit${String(index).padStart(2, '0')}.example`,
);
const OLD_HOST = 'imap.shared-edit.example';
const NEW_HOST = 'imap-moved.shared-edit.example';

interface Plain {
  readonly status: number;
  readonly text: string;
}

/** One request to the public routes (no token). */
function plain(baseUrl: string, method: string, path: string, body?: string): Promise<Plain> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: body === undefined ? {} : { 'Content-Type': 'text/xml' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** `check` for every domain, ten at a time. */
async function forEveryDomain(check: (name: string) => Promise<void>): Promise<void> {
  for (let start = 0; start < DOMAINS.length; start += 10) {
    await Promise.all(DOMAINS.slice(start, start + 10).map(check));
  }
}

const all = (pattern: RegExp, text: string): string[] =>
  [...text.matchAll(pattern)].map((match) => match[1] ?? '');

/** The IMAP host names each client route answers for `address`. */
async function answeredHosts(
  baseUrl: string,
  address: string,
): Promise<{
  autoconfig: string[];
  autodiscover: string[];
  mobileconfig: string[];
  names: string[];
}> {
  const query = `emailaddress=${encodeURIComponent(address)}`;
  const [autoconfig, autodiscover, mobileconfig] = await Promise.all([
    plain(baseUrl, 'GET', `/mail/config-v1.1.xml?${query}`),
    plain(baseUrl, 'POST', '/autodiscover/autodiscover.xml', outlookRequestXml(address)),
    plain(baseUrl, 'GET', `/mobileconfig/?${query}`),
  ]);
  for (const [route, answer] of Object.entries({ autoconfig, autodiscover, mobileconfig })) {
    expect({ address, route, status: answer.status }).toEqual({ address, route, status: 200 });
  }
  const profile = parsePlist(mobileconfig.text) as PlistObject;
  const mail = (profile.PayloadContent as PlistObject[])[0]!;
  return {
    autoconfig: all(
      /<incomingServer type="imap">\s*<hostname>([^<]*)<\/hostname>/g,
      autoconfig.text,
    ),
    autodiscover: all(/<Type>IMAP<\/Type>\s*<Server>([^<]*)<\/Server>/g, autodiscover.text),
    mobileconfig: [
      typeof mail.IncomingMailServerHostName === 'string' ? mail.IncomingMailServerHostName : '',
    ],
    names: all(/<displayName>([^<]*)<\/displayName>/g, autoconfig.text),
  };
}

describe.each(ENGINE_DIALECTS)('a shared server edited through the admin API on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    const ctx = useAdminApp(dialect);
    const client = () => ctx.current.client;
    const body = domainBody('shared-edit', {
      servers: [imapServer(OLD_HOST), smtpServer('smtp.shared-edit.example')],
      davservers: [],
    });

    beforeAll(async () => {
      for (const name of DOMAINS) {
        expect((await client().put(domainPath(name), body)).status).toBe(201);
      }
    });

    /** Every route answers every domain with `host` as its IMAP server. */
    const expectEveryAnswer = (host: string) =>
      forEveryDomain(async (name) => {
        const { autoconfig, autodiscover, mobileconfig } = await answeredHosts(
          ctx.current.app.url,
          `user@${name}`,
        );
        expect({ name, autoconfig, autodiscover, mobileconfig }).toEqual({
          name,
          autoconfig: [host],
          autodiscover: [host],
          mobileconfig: [host],
        });
      });

    it('PUT /servers/{id} changes every domain’s autoconfig, Autodiscover and mobileconfig answer at once', async () => {
      const { view } = await client().domain(DOMAINS[0]!);
      const imap = view.servers.find((server) => server.type === 'imap')!;
      const shared = await client().shared('servers', imap.id);
      expect(shared.view.domain_count).toBe(DOMAINS.length);

      // Every answer once with the old host: the settings cache now holds all of them.
      await expectEveryAnswer(OLD_HOST);
      const edited = await client().put(`/servers/${imap.id}`, { ...shared.view, name: NEW_HOST });
      expect(expectJson(edited, 200)).toMatchObject({
        id: imap.id,
        name: NEW_HOST,
        domain_count: 50,
      });
      await expectEveryAnswer(NEW_HOST);
      await forEveryDomain(async (name) => {
        const domain: DomainView = (await client().domain(name)).view;
        expect(domain.servers.find((server) => server.type === 'imap')).toEqual({
          ...imap,
          name: NEW_HOST,
        });
      });
    });

    it('a provider renamed with one PUT is the display name of every domain at once', async () => {
      const { view } = await client().domain(DOMAINS[0]!);
      const renamed = provider('Shared Edit Renamed', 'Renamed');
      const answer = await client().put(`/providers/${view.provider.id}`, renamed);
      expectStatus(answer, 200);
      await forEveryDomain(async (name) => {
        const { names } = await answeredHosts(ctx.current.app.url, `user@${name}`);
        expect({ name, names }).toEqual({ name, names: [renamed.name] });
      });
    });
  });
});
