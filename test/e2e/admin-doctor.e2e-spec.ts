import 'reflect-metadata';
import request from 'supertest';
import type { DomainView } from '../../src/admin/admin-store';
import { dnsRecords } from '../../src/cli/dns-records';
import { DomainSettingsRepository } from '../../src/database/domain-settings.repository';
import { SEVERITIES, CLIENT_IDS } from '../../src/doctor/finding';
import { liveRuns } from '../../src/doctor/live/live-runs';
import { useAdminApp } from '../support/admin-app';
import { domainPath, expectStatus } from '../support/admin-client';

/**
 * GET /admin/api/v1/domains/{name}/findings and …/dns over real HTTP on SQLite, on the
 * sample data of GET /initdb/: the doctor's report (the K-9 finding for example.org's
 * POP-only settings appears, and goes once the data is fixed through the API), the
 * live checks on request (against a DNS server that is not there: findings, no hang),
 * and the `dns` command's lines.
 */

interface ReportJson {
  readonly domain: string;
  readonly live: boolean;
  readonly findings: readonly Record<string, unknown>[];
  readonly passed: readonly string[];
}

const FINDING_KEYS = ['rule', 'severity', 'clients', 'subject', 'field', 'effect', 'fix'];

describe('the doctor routes of the admin API', () => {
  const admin = useAdminApp('sqlite-memory', {
    config: {
      // Nothing answers there: every live check fails fast or within the timeout.
      doctor: { dnsServers: ['127.0.0.1:9'], caFile: null, httpsPort: 9, timeoutMs: 500 },
    },
  });

  beforeAll(async () => {
    await request(admin.current.app.url).get('/initdb/').expect(200);
  });

  const report = async (name: string, query = ''): Promise<ReportJson> => {
    const answer = expectStatus(
      await admin.current.client.get(`${domainPath(name)}/findings${query}`),
      200,
    );
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    return answer.json as ReportJson;
  };
  const rules = (result: ReportJson) => result.findings.map((finding) => finding['rule']);

  describe('GET /domains/{name}/findings', () => {
    it('reports that K-9 cannot use the POP-only example.org, in the contract shape', async () => {
      const result = await report('EXAMPLE.org');
      expect(result).toMatchObject({ domain: 'example.org', live: false, passed: [] });
      for (const finding of result.findings) {
        expect(Object.keys(finding).filter((key) => !FINDING_KEYS.includes(key))).toEqual([]);
        expect(SEVERITIES).toContain(finding['severity']);
        for (const client of finding['clients'] as string[]) expect(CLIENT_IDS).toContain(client);
        for (const key of ['rule', 'subject', 'effect', 'fix']) {
          expect(typeof finding[key]).toBe('string');
        }
      }
      expect(result.findings).toContainEqual(
        expect.objectContaining({
          rule: 'k9.pop-only',
          severity: 'error',
          clients: ['k9'],
          field: 'servers',
        }),
      );
      expect(rules(await report('example.org', '?live=0'))).toEqual(rules(result));
      expect(rules(await report('example.org', '?live=false'))).toEqual(rules(result));
    });

    it('drops the finding once the data is fixed', async () => {
      const client = admin.current.client;
      const { view, etag } = await client.domain('example.org');
      const fixed: DomainView = {
        ...view,
        servers: view.servers.map((server) =>
          server.type === 'pop' ? { ...server, type: 'imap' } : server,
        ),
      };
      expectStatus(
        await client.put(domainPath('example.org'), fixed, { headers: { 'If-Match': etag } }),
        200,
      );
      try {
        expect(rules(await report('example.org'))).not.toContain('k9.pop-only');
      } finally {
        const { etag: now } = await client.domain('example.org');
        await client.put(domainPath('example.org'), view, { headers: { 'If-Match': now } });
      }
      expect(rules(await report('example.org'))).toContain('k9.pop-only');
    });

    it('runs the live checks with live=1, each bounded by the configured timeout', async () => {
      const started = Date.now();
      const result = await report('example.org', '?live=1');
      expect(result.live).toBe(true);
      expect(result.domain).toBe('example.org');
      expect(rules(result)).toContain('k9.pop-only');
      expect(rules(result).some((rule) => String(rule).startsWith('live.'))).toBe(true);
      expect(Array.isArray(result.passed)).toBe(true);
      // A hang guard, not a speed check: a handful of 500 ms timeouts, not minutes.
      expect(Date.now() - started).toBeLessThan(20_000);
    }, 30_000);

    it('answers 503 with Retry-After while two live runs are in progress', async () => {
      const client = admin.current.client;
      const held = [liveRuns.tryAcquire(), liveRuns.tryAcquire()];
      try {
        expect(held.every((release) => release !== null)).toBe(true);
        const busy = await client.get(`${domainPath('example.org')}/findings?live=1`);
        expect(busy.status).toBe(503);
        expect(busy.headers['retry-after']).toBe('5');
        expect(busy.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(busy.json).toEqual({ error: 'too many live checks running; try again shortly' });
        // The rules alone are not limited.
        expect((await report('example.org')).live).toBe(false);
      } finally {
        held.forEach((release) => release?.());
      }
      expect((await report('example.org', '?live=1')).live).toBe(true);
      expect(liveRuns.active).toBe(0);
    }, 30_000);

    it('refuses a bad live value (400) and an unknown domain (404)', async () => {
      const client = admin.current.client;
      for (const query of ['?live=yes', '?live=', '?live=2', '?live=1&live=0']) {
        const answer = await client.get(`${domainPath('example.org')}/findings${query}`);
        expect({ query, status: answer.status }).toEqual({ query, status: 400 });
        expect(answer.json).toMatchObject({ field: 'live' });
      }
      const unknown = await client.get(`${domainPath('nowhere.example')}/findings`);
      expect(unknown.status).toBe(404);
      expect(unknown.json).toEqual({ error: 'domain not found' });
    });
  });

  describe('GET /domains/{name}/dns', () => {
    const expected = async (name: string, options: Parameters<typeof dnsRecords>[1]) => {
      const settings = await admin.current.app.app
        .get(DomainSettingsRepository)
        .findDomainWithServers([name]);
      if (settings === null) throw new Error(`${name} is not stored`);
      return dnsRecords(settings, options);
    };

    it('answers the lines the dns command prints, comments included', async () => {
      const answer = expectStatus(
        await admin.current.client.get(`${domainPath('example.org')}/dns`),
        200,
      );
      const body = answer.json as { domain: string; records: string[] };
      expect(body.domain).toBe('example.org');
      expect(body.records).toEqual(
        await expected('example.org', { ttl: 3600, target: null, autodiscoverHost: null }),
      );
      expect(body.records[0]).toMatch(/^; DNS records for example\.org /);
      expect(body.records).toContainEqual(
        expect.stringMatching(/^_pop3\._tcp\.example\.org\. 3600 IN SRV \d+ 1 143 pop1\./),
      );
    });

    it('takes the command options target, autodiscover_host and ttl', async () => {
      const answer = expectStatus(
        await admin.current.client.get(
          `${domainPath('example.com.')}/dns?target=autoconfig.host.example&autodiscover_host=ad.host.example&ttl=300`,
        ),
        200,
      );
      const records = (answer.json as { records: string[] }).records;
      expect(records).toEqual(
        await expected('example.com', {
          ttl: 300,
          target: 'autoconfig.host.example',
          autodiscoverHost: 'ad.host.example',
        }),
      );
      expect(records.join('\n')).toContain('autoconfig.host.example');
      expect(records.join('\n')).toContain('ad.host.example');
    });

    it('refuses bad options (400) and an unknown domain (404)', async () => {
      const client = admin.current.client;
      for (const [query, field] of [
        ['?ttl=soon', 'ttl'],
        ['?ttl=-1', 'ttl'],
        ['?ttl=99999999999', 'ttl'],
        ['?target=', 'target'],
        ['?target=a/b', 'target'],
        ['?autodiscover_host=%20', 'autodiscover_host'],
      ] as const) {
        const answer = await client.get(`${domainPath('example.org')}/dns${query}`);
        expect({ query, status: answer.status }).toEqual({ query, status: 400 });
        expect(answer.json).toMatchObject({ field });
      }
      const unknown = await client.get(`${domainPath('nowhere.example')}/dns`);
      expect(unknown.status).toBe(404);
    });
  });

  it('needs a valid token for both routes', async () => {
    for (const path of ['/findings', '/dns']) {
      const answer = await admin.current.client
        .withToken(null)
        .get(`${domainPath('example.org')}${path}`);
      expect({ path, status: answer.status }).toEqual({ path, status: 401 });
    }
  });
});
