import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { AppLogger } from '../../src/common/app-logger';
import type { HttpAdapterName, MobileconfigSigningConfig } from '../../src/config/app-config';
import { ConfigProblems, loadConfig } from '../../src/config/load-config';
import { checkAppleProfile } from '../clients/apple-profile-rules';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { createTestPki, issueSigner, type TestPki } from '../support/test-pki';
import { binaryBody } from '../support/binary-body';
import { opensslVerify } from '../support/profile-verify';

/**
 * Signed profiles (BEHAVIOUR.md §10 mobileconfig_sign_*, CLIENTS.md "mobileconfig
 * rules"): CMS SignedData, DER, content attached, checked by `openssl smime -verify`
 * against a throwaway CA; and start-up refusing signing files it cannot use.
 */

const CONTENT_TYPE = 'application/x-apple-aspen-config';
const QUERY = 'emailaddress=user%40example.com&name=J%C3%BCrgen%20%3CTest%3E';
const DAY_S = 24 * 60 * 60;

/**
 * Nest's Logger writes to the logger of the application created last in this process,
 * so every app of this file logs into the same list.
 */
const logLines: string[] = [];

function download(app: TestApp, query = QUERY) {
  return request(app.url).get(`/mobileconfig/?${query}`).buffer(true).parse(binaryBody);
}

/** UUIDs are new per request; everything else must be byte for byte the same. */
const withoutUuids = (xml: string) => xml.replace(/\b[0-9a-f]{32}\b/g, '<uuid>');

describe('signed profiles', () => {
  let pki: TestPki;
  let db: TestDatabase;
  let unsigned: TestApp;

  beforeAll(async () => {
    pki = createTestPki();
    // A database file shared by the signing and the non-signing apps.
    db = await createTestDatabase('sqlite-file');
    unsigned = await startTestApp({ dbUri: db.dbUri, logLines });
    await request(unsigned.url).get('/initdb/').expect(200);
  });

  afterAll(async () => {
    await unsigned?.close();
    await db?.drop();
    pki?.remove();
  });

  const signing = (overrides: Partial<MobileconfigSigningConfig> = {}) => ({
    certFile: pki.signerCert,
    keyFile: pki.signerKey,
    chainFile: pki.intermediate,
    ...overrides,
  });

  describe.each(['fastify', 'express'] as const satisfies readonly HttpAdapterName[])(
    'on %s',
    (adapter) => {
      let app: TestApp;

      beforeAll(async () => {
        app = await startTestApp({
          dbUri: db.dbUri,
          adapter,
          config: { mobileconfigSigning: signing(), loglevel: 'INFO' },
          logLines,
        });
      });

      afterAll(async () => {
        await app?.close();
      });

      it('sends DER that openssl verifies, holding the unsigned profile', async () => {
        const response = await download(app).expect(200);
        expect(response.headers['content-type']).toBe(CONTENT_TYPE);
        expect(response.headers['content-disposition']).toBe(
          'attachment; filename="example.com.mobileconfig"',
        );
        const signed = response.body as Buffer;
        expect(Number(response.headers['content-length'])).toBe(signed.length);
        // DER SEQUENCE, not XML and not JSON.
        expect(signed[0]).toBe(0x30);
        const verified = opensslVerify(pki, signed, pki.rootCa);
        expect([verified.status, verified.stderr.trim()]).toEqual([0, 'Verification successful']);
        expect(checkAppleProfile(verified.content)).toEqual([]);
        const plain = await download(unsigned).expect(200);
        expect(withoutUuids(verified.content)).toBe(
          withoutUuids((plain.body as Buffer).toString('utf8')),
        );
        expect(verified.content).toContain('<string>Jürgen &lt;Test&gt;</string>');
      });

      it('does not verify against an unrelated CA', async () => {
        const response = await download(app).expect(200);
        const verified = opensslVerify(pki, response.body as Buffer, pki.unrelatedCa);
        expect(verified.status).not.toBe(0);
        expect(verified.stderr).toMatch(/certificate verify error|unable to get/i);
      });

      it('signs nothing on errors: short text as without signing', async () => {
        const missing = await request(app.url).get('/mobileconfig/').expect(400);
        expect(missing.headers['content-type']).toMatch(/^text\/plain/);
        expect(missing.text).toBe('Missing request argument "emailaddress"');
        await request(app.url).get('/mobileconfig/?emailaddress=a%40unknown.tld').expect(204);
      });

      it('answers HEAD with the headers of the signed profile', async () => {
        const response = await request(app.url).head(`/mobileconfig/?${QUERY}`).expect(200);
        expect(response.headers['content-type']).toBe(CONTENT_TYPE);
        expect(Number(response.headers['content-length'])).toBeGreaterThan(1000);
      });
    },
  );

  it('logs the signer once at start-up', async () => {
    const before = logLines.length;
    const app = await startTestApp({
      dbUri: db.dbUri,
      config: { mobileconfigSigning: signing(), loglevel: 'INFO' },
      logLines,
    });
    await app.close();
    const started = logLines.slice(before).filter((line) => line.includes('[Mobileconfig]'));
    expect(started).toEqual([
      expect.stringMatching(
        /INFO \[Mobileconfig\] profiles are signed as CN=autoconfig\.example\.com \(valid \S+ to \S+\)\n$/,
      ) as unknown,
    ]);
  });

  it.each([
    [
      'expires within 14 days: a WARNING',
      3 * DAY_S,
      'WARNING',
      / expires on \S+ \(in 2 days\): renew it/,
    ],
    ['has expired: an ERROR', -3600, 'ERROR', / expired on \S+: profiles are still signed with it/],
  ])(
    'a certificate that %s at start-up, and the seconds left in /metrics',
    async (_what, secondsLeft, level, message) => {
      const now = Date.now();
      const issued = issueSigner(pki, `expiring-${secondsLeft}`, {
        notBefore: new Date(now - 30 * DAY_S * 1000),
        notAfter: new Date(now + secondsLeft * 1000),
      });
      const before = logLines.length;
      const app = await startTestApp({
        dbUri: db.dbUri,
        config: { mobileconfigSigning: signing({ certFile: issued.cert, keyFile: issued.key }) },
        logLines,
      });
      try {
        const logged = logLines.slice(before).filter((line) => / (WARNING|ERROR) /.test(line));
        expect(logged).toEqual([expect.stringMatching(new RegExp(`${level} \\[Mobileconfig\\] `))]);
        expect(logged[0]).toMatch(message);
        // Still signed with it.
        const response = await download(app).expect(200);
        expect(opensslVerify(pki, response.body as Buffer, pki.rootCa).stderr).toMatch(
          secondsLeft > 0 ? /Verification successful/ : /certificate has expired/,
        );
        const metrics = await request(app.url).get('/metrics').expect(200);
        const [, value] = /^automx2_signing_certificate_expiry_seconds (\S+)$/m.exec(metrics.text)!;
        expect(
          Math.abs(Number(value) - (issued.notAfter.getTime() - Date.now()) / 1000),
        ).toBeLessThan(5);
      } finally {
        await app.close();
      }
    },
  );

  it('takes a fullchain.pem (certificate, then chain) as mobileconfig_sign_cert', async () => {
    const app = await startTestApp({
      dbUri: db.dbUri,
      config: { mobileconfigSigning: signing({ certFile: pki.fullchain, chainFile: null }) },
      logLines,
    });
    try {
      const response = await download(app).expect(200);
      expect(opensslVerify(pki, response.body as Buffer, pki.rootCa).status).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('without the chain, the profile verifies only with the intermediate at hand', async () => {
    const app = await startTestApp({
      dbUri: db.dbUri,
      config: { mobileconfigSigning: signing({ chainFile: null }) },
      logLines,
    });
    try {
      const response = await download(app).expect(200);
      expect(opensslVerify(pki, response.body as Buffer, pki.rootCa).status).not.toBe(0);
      const rootAndIntermediate = join(pki.dir, 'root-and-intermediate.pem');
      writeFileSync(rootAndIntermediate, pki.read(pki.rootCa) + pki.read(pki.intermediate));
      expect(opensslVerify(pki, response.body as Buffer, rootAndIntermediate).status).toBe(0);
    } finally {
      await app.close();
    }
  });

  describe('start-up', () => {
    /** Loads an INI file with these [automx2] lines the way start-up does. */
    function loadIni(lines: readonly string[]): readonly string[] {
      const file = join(pki.dir, 'automx2.conf');
      writeFileSync(file, ['[automx2]', ...lines, ''].join('\n'));
      try {
        loadConfig({
          locator: { env: { AUTOMX2_CONF: file }, home: '/nonexistent', exists: () => true },
        });
      } catch (error) {
        if (error instanceof ConfigProblems) return error.problems;
        throw error;
      }
      return [];
    }

    /**
     * Builds the application as createApp does, but with abortOnError off: with Nest's
     * default a failing provider makes Nest call process.exit(1), which would end the
     * test worker. Returns the problems that stop start-up.
     */
    async function startUpProblems(
      mobileconfigSigning: MobileconfigSigningConfig,
    ): Promise<readonly string[]> {
      const config = testConfig({
        dbUri: 'sqlite:///:memory:',
        config: { sourceFile: '/etc/automx2/automx2.conf', mobileconfigSigning },
      });
      const logger = new AppLogger('CRITICAL', 'text', (line) => logLines.push(line));
      try {
        const app = await NestFactory.create(AppModule.forRoot(config), {
          abortOnError: false,
          logger,
        });
        await app.close();
      } catch (error) {
        if (error instanceof ConfigProblems) return error.problems;
        throw error;
      }
      return [];
    }

    it('reads the three keys from the INI file', () => {
      const file = join(pki.dir, 'automx2.conf');
      writeFileSync(
        file,
        `[automx2]\nmobileconfig_sign_cert = ${pki.signerCert}\nmobileconfig_sign_key = ${pki.signerKey}\n`,
      );
      const { config } = loadConfig({
        locator: { env: { AUTOMX2_CONF: file }, home: '/nonexistent', exists: () => true },
      });
      expect(config.mobileconfigSigning).toEqual({
        certFile: pki.signerCert,
        keyFile: pki.signerKey,
        chainFile: null,
      });
    });

    it('a certificate without a key is a configuration problem', () => {
      expect(loadIni([`mobileconfig_sign_cert = ${pki.signerCert}`])).toEqual([
        `${pki.dir}/automx2.conf: mobileconfig_sign_cert set without mobileconfig_sign_key: ` +
          'signing profiles needs both mobileconfig_sign_cert and mobileconfig_sign_key',
      ]);
    });

    it('a chain alone is a configuration problem naming both missing keys', () => {
      expect(loadIni([`mobileconfig_sign_chain = ${pki.intermediate}`])).toEqual([
        `${pki.dir}/automx2.conf: mobileconfig_sign_chain set without mobileconfig_sign_cert ` +
          'and mobileconfig_sign_key: signing profiles needs both mobileconfig_sign_cert and ' +
          'mobileconfig_sign_key',
      ]);
    });

    it('an empty value is a configuration problem', () => {
      expect(
        loadIni(['mobileconfig_sign_cert =', `mobileconfig_sign_key = ${pki.signerKey}`]),
      ).toContain(`${pki.dir}/automx2.conf: mobileconfig_sign_cert = "": expected a file name`);
    });

    it('a key that does not belong to the certificate stops start-up, naming both', async () => {
      expect(await startUpProblems(signing({ keyFile: pki.otherKey }))).toEqual([
        `/etc/automx2/automx2.conf: mobileconfig_sign_key = "${pki.otherKey}": the key does ` +
          `not belong to the certificate in mobileconfig_sign_cert = "${pki.signerCert}"`,
      ]);
    });

    it('a missing file stops start-up, naming the key and the file', async () => {
      const missing = join(pki.dir, 'missing-chain.pem');
      expect(await startUpProblems(signing({ chainFile: missing }))).toEqual([
        `/etc/automx2/automx2.conf: mobileconfig_sign_chain = "${missing}": cannot read: ` +
          `ENOENT: no such file or directory, open '${missing}'`,
      ]);
    });

    it('an ECDSA certificate stops start-up with what to do instead', async () => {
      const [problem] = await startUpProblems(
        signing({ certFile: pki.ecCert, keyFile: pki.ecKey }),
      );
      expect(problem).toBe(
        `/etc/automx2/automx2.conf: mobileconfig_sign_cert = "${pki.ecCert}": has an EC key; ` +
          'only RSA certificates can sign profiles (issue an RSA certificate, e.g. certbot --key-type rsa)',
      );
    });

    it('an encrypted key stops start-up', async () => {
      const [problem] = await startUpProblems(signing({ keyFile: pki.encryptedKey }));
      expect(problem).toMatch(
        /^\/etc\/automx2\/automx2\.conf: mobileconfig_sign_key = ".*encrypted\.key": the key is encrypted/,
      );
    });

    it('starts with good files', async () => {
      expect(await startUpProblems(signing())).toEqual([]);
    });
  });
});
