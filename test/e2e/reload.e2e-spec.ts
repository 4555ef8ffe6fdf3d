import { X509Certificate } from 'node:crypto';
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import request from 'supertest';
import { firstPassOnly } from '../support/adapter-pass';
import { binaryBody } from '../support/binary-body';
import { opensslVerify } from '../support/profile-verify';
import { ensureBuilt } from '../support/dist';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { createTestPki, issueSigner, type TestPki } from '../support/test-pki';

/**
 * SIGHUP on the compiled server (issue 17, "Reload"): the signing certificate, key and
 * chain and the log level are read again while requests keep being answered; files
 * that cannot be used keep the signer in use. The reload does not depend on the HTTP
 * adapter: the Express pass of `npm test` skips this file.
 */

const describeOnce = firstPassOnly();
const DAY_MS = 24 * 60 * 60 * 1000;
const PROFILE = '/mobileconfig/?emailaddress=user%40example.com';
const WAIT_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value; fails after WAIT_MS. */
async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The status of one GET, or the error code; the body is read to the end. */
function get(url: string, agent: Agent): Promise<string> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
      res.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

/** Clients asking for profiles back to back on keep-alive connections until stopped. */
function loadLoop(url: string, clients: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const outcomes: string[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async () => {
    while (running) outcomes.push(await get(`${url}${PROFILE}`, agent));
  });
  return {
    outcomes,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return outcomes;
    },
  };
}

const fingerprintOf = (pemFile: string) =>
  new X509Certificate(readFileSync(pemFile)).fingerprint256;

describeOnce('SIGHUP reloads on the compiled server', () => {
  let pki: TestPki;
  let server: ServerProcess;
  /** What the configuration names, as certbot's live/ directory: replaced in place. */
  let live: { readonly cert: string; readonly key: string; readonly chain: string };

  /**
   * A profile, verified by `openssl smime` against the test root CA; the SHA-256
   * fingerprint of the certificate that signed it.
   */
  async function profileSigner(): Promise<string> {
    const response = await request(server.url).get(PROFILE).buffer(true).parse(binaryBody);
    expect(response.status).toBe(200);
    const verified = opensslVerify(pki, response.body as Buffer, pki.rootCa);
    expect([verified.status, verified.stderr.trim()]).toEqual([0, 'Verification successful']);
    return fingerprintOf(verified.signerFile);
  }

  /** Sends SIGHUP; resolves with the log written until `expected` appears in it. */
  async function hangUp(expected: RegExp): Promise<string> {
    const from = server.stderr().length;
    server.child.kill('SIGHUP');
    return waitFor(String(expected), () => {
      const written = server.stderr().slice(from);
      return expected.test(written) ? written : undefined;
    });
  }

  beforeAll(async () => {
    ensureBuilt();
    pki = createTestPki();
    live = {
      cert: join(pki.dir, 'live-cert.pem'),
      key: join(pki.dir, 'live-key.pem'),
      chain: join(pki.dir, 'live-chain.pem'),
    };
    copyFileSync(pki.signerCert, live.cert);
    copyFileSync(pki.signerKey, live.key);
    copyFileSync(pki.intermediate, live.chain);
    server = await startServerProcess({
      mobileconfig_sign_cert: live.cert,
      mobileconfig_sign_key: live.key,
      mobileconfig_sign_chain: live.chain,
    });
    await request(server.url).get('/initdb/').expect(200);
  }, 60_000);

  afterAll(async () => {
    await server?.destroy();
    pki?.remove();
  });

  it('says "nothing changed" when nothing did, and keeps serving', async () => {
    const log = await hangUp(/SIGHUP: nothing changed\n/);
    expect(log).toMatch(/^\S+ INFO \[Reload\] SIGHUP: nothing changed\n$/);
    expect(server.running()).toBe(true);
    expect(await profileSigner()).toBe(fingerprintOf(pki.signerCert));
  });

  it('takes over a renewed certificate without dropping a request', async () => {
    const renewed = issueSigner(pki, 'renewed', {
      notBefore: new Date(Date.now() - DAY_MS),
      notAfter: new Date(Date.now() + 60 * DAY_MS),
    });
    const load = loadLoop(server.url, 4);
    await waitFor('requests before the reload', () =>
      load.outcomes.length >= 20 ? true : undefined,
    );
    // certbot's renewal: new certificate and key at the same paths, then its deploy hook.
    copyFileSync(renewed.cert, live.cert);
    copyFileSync(renewed.key, live.key);
    const log = await hangUp(/SIGHUP: profiles are now signed as /);
    const atReload = load.outcomes.length;
    await waitFor('requests after the reload', () =>
      load.outcomes.length >= atReload + 20 ? true : undefined,
    );
    const outcomes = await load.stop();
    expect(outcomes.filter((outcome) => outcome !== '200')).toEqual([]);
    expect(log).toMatch(
      new RegExp(
        `INFO \\[Reload\\] SIGHUP: profiles are now signed as CN=autoconfig\\.example\\.com ` +
          `\\(valid \\S+ to ${renewed.notAfter.toISOString().replace(/\./g, '\\.')}\\); before: `,
      ),
    );
    expect(await profileSigner()).toBe(fingerprintOf(renewed.cert));
    const metrics = await request(server.url).get('/metrics').expect(200);
    const [, seconds] = /^automx2_signing_certificate_expiry_seconds (\S+)$/m.exec(metrics.text)!;
    expect(Number(seconds)).toBeGreaterThan(59 * 86_400);
    expect(Number(seconds)).toBeLessThanOrEqual(60 * 86_400);
  });

  it('keeps the signer in use when the new key does not fit, saying why without the key', async () => {
    const inUse = await profileSigner();
    const goodKey = readFileSync(live.key);
    copyFileSync(pki.otherKey, live.key);
    try {
      const log = await hangUp(/SIGHUP: .*\n/);
      expect(log).toMatch(
        new RegExp(
          `ERROR \\[Reload\\] SIGHUP: \\S+: mobileconfig_sign_key = "${live.key}": the key does ` +
            `not belong to the certificate in mobileconfig_sign_cert = "${live.cert}"; ` +
            'profiles are still signed as CN=autoconfig\\.example\\.com',
        ),
      );
      const keyBody = pki.read(pki.otherKey).split('\n').slice(1, -2).join('');
      expect(log).not.toContain('PRIVATE KEY');
      expect(log).not.toContain(keyBody.slice(0, 24));
      expect(log).not.toContain('nothing changed');
      expect(await profileSigner()).toBe(inUse);
    } finally {
      writeFileSync(live.key, goodKey);
    }
  });

  it('takes over the log level from the configuration file', async () => {
    const [, file] = /INFO \[Main\] configuration from (\S+)\n/.exec(server.stderr())!;
    const dropped = 'password parameter dropped';
    await request(server.url).get(`${PROFILE}&password=secret`).expect(200);
    await waitFor('the warning at WARNING', () =>
      server.stderr().includes(dropped) ? true : undefined,
    );
    appendFileSync(file!, 'loglevel = ERROR\n');
    const log = await hangUp(/SIGHUP: loglevel/);
    expect(log).toMatch(/INFO \[Reload\] SIGHUP: loglevel is now ERROR \(was WARNING\)\n/);
    const before = server.stderr().split(dropped).length;
    await request(server.url).get(`${PROFILE}&password=secret`).expect(200);
    await sleep(200);
    expect(server.stderr().split(dropped).length).toBe(before);
  });
});
