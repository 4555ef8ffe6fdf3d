/**
 * The live doctor's test zone: a DNS server on loopback (npm `dns2`, UDP and TCP on one
 * free port) answering two domains, an HTTPS listener for their autoconfig/autodiscover
 * names, a real Dovecot for their mail servers, a tiny IMAP listener that never offers
 * STARTTLS, and a test CA that signed every certificate.
 *
 * `healthy.test`: every live check passes. `broken.test` fires exactly these live rules
 * (BROKEN_RULES): live.dns.autodiscover (no autodiscover name, error: no SRV either),
 * live.dns.autodiscover-srv, live.dns.mx, live.dns.srv-mismatch (an `_imaps` record for
 * old.broken.test:993), live.dns.srv-missing (no `_imap` record for plain.broken.test),
 * live.tls.expired (autoconfig.broken.test serves an expired certificate),
 * live.mail.name-mismatch (mail.broken.test reaches Dovecot, whose certificate names
 * only mail.healthy.test), live.mail.no-starttls (the tiny listener),
 * live.mail.unreachable (a port nobody listens on), live.mail.unresolved
 * (gone.broken.test does not exist).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import dns2 from 'dns2';
import forge from 'node-forge';
import type { DomainView, ServerView } from '../../src/admin/admin-store';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../../src/provisioning/export-format';
import { freePorts, startDovecot, type DovecotInstance } from './dovecot';

export interface DoctorZone {
  /** '127.0.0.1:<port>' (UDP and TCP), answering the zone. */
  readonly dnsServer: string;
  /** PEM of the test CA that signed every listener's certificate. */
  readonly caFile: string;
  /** Local HTTPS listener for autoconfig./autodiscover.<domain>. */
  readonly httpsPort: number;
  /** Every live check passes (and no stored-data error). */
  readonly healthyDomain: string;
  /** Known live problems: BROKEN_RULES. */
  readonly brokenDomain: string;
  /** The domains as the admin API shows them (ids as an import of exportDocument assigns them). */
  readonly healthyView: DomainView;
  readonly brokenView: DomainView;
  /** A document `automx2-nest import` and POST /admin/api/v1/import accept, holding both domains. */
  readonly exportDocument: unknown;
  stop(): Promise<void>;
}

export const HEALTHY_DOMAIN = 'healthy.test';
export const BROKEN_DOMAIN = 'broken.test';

/** The live rules the broken domain fires, each once (sorted). */
export const BROKEN_RULES = [
  'live.dns.autodiscover',
  'live.dns.autodiscover-srv',
  'live.dns.mx',
  'live.dns.srv-mismatch',
  'live.dns.srv-missing',
  'live.mail.name-mismatch',
  'live.mail.no-starttls',
  'live.mail.unreachable',
  'live.mail.unresolved',
  'live.tls.expired',
] as const;

const LOOPBACK = '127.0.0.1';
/** RFC 1035 RCODE 3 (dns2's typings lack Packet.RCODE). */
const NXDOMAIN = 3;
const DAY_MS = 86_400_000;

// ---- certificates -------------------------------------------------------------

interface Issuer {
  readonly cert: forge.pki.Certificate;
  readonly key: forge.pki.rsa.PrivateKey;
}

function keyPair(): {
  publicKey: forge.pki.rsa.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
  pem: string;
} {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    pem,
    privateKey: forge.pki.privateKeyFromPem(pem),
    publicKey: forge.pki.publicKeyFromPem(
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ),
  };
}

function certificate(
  subject: string,
  publicKey: forge.pki.rsa.PublicKey,
  notBefore: Date,
  notAfter: Date,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: subject }]);
  return cert;
}

function makeCa(): Issuer & { pem: string } {
  const keys = keyPair();
  const now = Date.now();
  const cert = certificate(
    'automx2 doctor test CA',
    keys.publicKey,
    new Date(now - DAY_MS),
    new Date(now + 60 * DAY_MS),
  );
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey, pem: forge.pki.certificateToPem(cert) };
}

/** A server certificate for `names` from `ca`, valid from `fromDays` to `toDays` (relative to now). */
function issue(
  ca: Issuer,
  names: readonly string[],
  fromDays: number,
  toDays: number,
): { cert: string; key: string } {
  const keys = keyPair();
  const now = Date.now();
  const cert = certificate(
    names[0] ?? 'unnamed',
    keys.publicKey,
    new Date(now + fromDays * DAY_MS),
    new Date(now + toDays * DAY_MS),
  );
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keys.pem };
}

// ---- DNS ----------------------------------------------------------------------

type ZoneRecord =
  | { readonly type: 'A'; readonly address: string }
  | { readonly type: 'CNAME'; readonly target: string }
  | { readonly type: 'MX'; readonly priority: number; readonly exchange: string }
  | {
      readonly type: 'SRV';
      readonly priority: number;
      readonly port: number;
      readonly target: string;
    };

type Zone = ReadonlyMap<string, readonly ZoneRecord[]>;

function zoneOf(entries: readonly (readonly [string, ZoneRecord])[]): Zone {
  const zone = new Map<string, ZoneRecord[]>();
  for (const [name, record] of entries) zone.set(name, [...(zone.get(name) ?? []), record]);
  return zone;
}

const TYPE = dns2.Packet.TYPE;
const TYPE_NAMES: Readonly<Record<number, ZoneRecord['type']>> = {
  [TYPE.A]: 'A',
  [TYPE.CNAME]: 'CNAME',
  [TYPE.MX]: 'MX',
  [TYPE.SRV]: 'SRV',
};

function resource(name: string, record: ZoneRecord): dns2.Packet.Resource {
  const base = { name, class: dns2.Packet.CLASS.IN, ttl: 60 };
  switch (record.type) {
    case 'A':
      return { ...base, type: TYPE.A, address: record.address } as dns2.Packet.Resource;
    case 'CNAME':
      return { ...base, type: TYPE.CNAME, domain: record.target } as dns2.Packet.Resource;
    case 'MX':
      return {
        ...base,
        type: TYPE.MX,
        priority: record.priority,
        exchange: record.exchange,
      } as dns2.Packet.Resource;
    case 'SRV':
      return {
        ...base,
        type: TYPE.SRV,
        priority: record.priority,
        weight: 1,
        port: record.port,
        target: record.target,
      } as dns2.Packet.Resource;
  }
}

/** Answers like a recursive resolver would: CNAMEs followed, NXDOMAIN for unknown names. */
function answer(
  zone: Zone,
  question: dns2.Packet.Question,
): { rcode: number; answers: dns2.Packet.Resource[] } {
  const answers: dns2.Packet.Resource[] = [];
  let name = question.name.toLowerCase().replace(/\.$/, '');
  const wanted = TYPE_NAMES[question.type];
  for (let hop = 0; hop < 8; hop++) {
    const records = zone.get(name);
    if (!records) return { rcode: answers.length > 0 ? 0 : NXDOMAIN, answers };
    const matching = records.filter((record) => record.type === wanted);
    const cname = records.find((record) => record.type === 'CNAME');
    if (matching.length > 0 || !cname || wanted === 'CNAME') {
      answers.push(...matching.map((record) => resource(name, record)));
      return { rcode: 0, answers };
    }
    answers.push(resource(name, cname));
    name = cname.type === 'CNAME' ? cname.target : name;
  }
  return { rcode: 0, answers };
}

/** A UDP and TCP port that are both free (UDP bound first, then TCP tried on it). */
async function freeDnsPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, LOOPBACK, () => resolve(udp.address().port));
    });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const tcp = createTcpServer();
      tcp.once('error', () => resolve(false));
      tcp.listen(port, LOOPBACK, () => tcp.close(() => resolve(true)));
    });
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcpFree) return port;
  }
  throw new Error('no free port for the DNS server');
}

async function startDns(zone: Zone): Promise<{ port: number; close: () => Promise<void> }> {
  const server = dns2.createServer({
    udp: true,
    tcp: true,
    handle: (request, send) => {
      const response = dns2.Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      if (question) {
        const { rcode, answers } = answer(zone, question);
        response.header.rcode = rcode;
        response.header.aa = 1;
        response.answers.push(...answers);
      }
      void send(response);
    },
  });
  server.on('requestError', () => undefined);
  const port = await freeDnsPort();
  await server.listen({ udp: { port, address: LOOPBACK }, tcp: { port, address: LOOPBACK } });
  return { port, close: () => server.close() };
}

// ---- listeners ----------------------------------------------------------------

/** HTTPS for the autoconfig/autodiscover names: the certificate chosen by SNI. */
async function startHttps(
  byName: ReadonlyMap<string, { cert: string; key: string }>,
  fallback: { cert: string; key: string },
): Promise<{ server: HttpsServer; port: number }> {
  const contexts = new Map([...byName].map(([name, pair]) => [name, createSecureContext(pair)]));
  const server = createHttpsServer(
    {
      ...fallback,
      SNICallback: (name, done) =>
        done(null, contexts.get(name.toLowerCase()) ?? createSecureContext(fallback)),
    },
    (_request, response) => {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('test zone\n');
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no HTTPS port');
  return { server, port: address.port };
}

/**
 * An IMAP server that greets and lists capabilities without STARTTLS (a port operators
 * store as STARTTLS while the server has TLS switched off).
 */
async function startPlainImap(): Promise<{ server: TcpServer; port: number }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] test server ready\r\n');
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const [tag = '*', command = ''] = buffer.slice(0, newline).trim().split(/\s+/);
        buffer = buffer.slice(newline + 1);
        if (/^CAPABILITY$/i.test(command)) {
          socket.write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK CAPABILITY completed\r\n`);
        } else if (/^LOGOUT$/i.test(command)) {
          socket.end(`* BYE\r\n${tag} OK LOGOUT completed\r\n`);
        } else {
          socket.write(`${tag} BAD unknown command\r\n`);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no IMAP port');
  server.on('close', () => sockets.forEach((socket) => socket.destroy()));
  return { server, port: address.port };
}

// ---- the domains ----------------------------------------------------------------

function server(
  id: number,
  type: string,
  name: string,
  port: number,
  socket_type: string,
  prio: number,
): ServerView {
  return {
    id,
    type,
    name,
    port,
    socket_type,
    user_name: '%EMAILADDRESS%',
    authentication: 'plain',
    prio,
  };
}

function exportOf(views: readonly DomainView[]): unknown {
  return {
    version: 2,
    format: EXPORT_FORMAT,
    export_version: EXPORT_VERSION,
    providers: views.map((view) => ({ ...view.provider })),
    ldapservers: [],
    domains: views.map((view) => ({
      name: view.name,
      provider_id: view.provider.id,
      ldapserver_id: null,
    })),
    servers: views.flatMap((view) =>
      view.servers.map((stored) => {
        const { id, ...columns } = stored;
        void id;
        return { ...columns, domains: [view.name] };
      }),
    ),
    davservers: [],
  };
}

export async function startDoctorZone(): Promise<DoctorZone> {
  const dir = mkdtempSync(join(tmpdir(), 'automx2-doctor-zone-'));
  const cleanups: (() => Promise<void> | void)[] = [
    () => rmSync(dir, { recursive: true, force: true }),
  ];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const ca = makeCa();
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, ca.pem);
    const web = issue(
      ca,
      [`autoconfig.${HEALTHY_DOMAIN}`, `autodiscover.${HEALTHY_DOMAIN}`],
      -1,
      30,
    );
    const expired = issue(ca, [`autoconfig.${BROKEN_DOMAIN}`], -40, -10);
    const mail = issue(ca, [`mail.${HEALTHY_DOMAIN}`], -1, 30);
    writeFileSync(join(dir, 'mail.pem'), mail.cert);
    writeFileSync(join(dir, 'mail.key'), mail.key, { mode: 0o600 });

    const dovecot: DovecotInstance = await startDovecot(
      join(dir, 'mail.pem'),
      join(dir, 'mail.key'),
    );
    cleanups.push(() => dovecot.stop());
    const https = await startHttps(new Map([[`autoconfig.${BROKEN_DOMAIN}`, expired]]), web);
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          https.server.close(() => resolve());
          https.server.closeAllConnections();
        }),
    );
    const plain = await startPlainImap();
    cleanups.push(() => new Promise<void>((resolve) => plain.server.close(() => resolve())));
    const [closedPort = 1] = await freePorts(1);
    const p = dovecot.ports;

    const healthyView: DomainView = {
      name: HEALTHY_DOMAIN,
      provider: { id: 1, name: 'Healthy Test', short_name: 'Healthy' },
      ldapserver: null,
      servers: [
        server(1, 'imap', 'mail.%EMAILDOMAIN%', p.imaps, 'SSL', 10),
        server(2, 'imap', `mail.${HEALTHY_DOMAIN}`, p.imap, 'STARTTLS', 20),
        server(3, 'pop', `mail.${HEALTHY_DOMAIN}`, p.pop3s, 'SSL', 30),
        server(4, 'pop', `mail.${HEALTHY_DOMAIN}`, p.pop3, 'STARTTLS', 40),
        server(5, 'smtp', `mail.${HEALTHY_DOMAIN}`, p.submission, 'STARTTLS', 50),
        server(6, 'smtp', `mail.${HEALTHY_DOMAIN}`, p.submissions, 'SSL', 60),
      ],
      davservers: [],
    };
    const brokenView: DomainView = {
      name: BROKEN_DOMAIN,
      provider: { id: 2, name: 'Broken Test', short_name: 'Broken' },
      ldapserver: null,
      servers: [
        server(7, 'imap', `mail.${BROKEN_DOMAIN}`, p.imaps, 'SSL', 10),
        server(8, 'imap', `plain.${BROKEN_DOMAIN}`, plain.port, 'STARTTLS', 20),
        server(9, 'smtp', `mail.${BROKEN_DOMAIN}`, closedPort, 'STARTTLS', 30),
        server(10, 'smtp', `gone.${BROKEN_DOMAIN}`, 465, 'SSL', 40),
      ],
      davservers: [],
    };

    const h = HEALTHY_DOMAIN;
    const b = BROKEN_DOMAIN;
    const a = (address: string): ZoneRecord => ({ type: 'A', address });
    const srv = (port: number, target: string, priority = 0): ZoneRecord => ({
      type: 'SRV',
      priority,
      port,
      target,
    });
    const zone = zoneOf([
      [h, a(LOOPBACK)],
      [h, { type: 'MX', priority: 10, exchange: `mail.${h}` }],
      [`autoconfig.${h}`, { type: 'CNAME', target: `web.${h}` }],
      [`web.${h}`, a(LOOPBACK)],
      [`autodiscover.${h}`, a(LOOPBACK)],
      [`mail.${h}`, a(LOOPBACK)],
      [`_autodiscover._tcp.${h}`, srv(https.port, `autodiscover.${h}`)],
      [`_imaps._tcp.${h}`, srv(p.imaps, `mail.${h}`)],
      [`_imap._tcp.${h}`, srv(p.imap, `mail.${h}`)],
      [`_pop3s._tcp.${h}`, srv(p.pop3s, `mail.${h}`)],
      [`_pop3._tcp.${h}`, srv(p.pop3, `mail.${h}`)],
      [`_submission._tcp.${h}`, srv(p.submission, `mail.${h}`)],
      [`_submissions._tcp.${h}`, srv(p.submissions, `mail.${h}`)],
      [b, a(LOOPBACK)],
      [`autoconfig.${b}`, a(LOOPBACK)],
      [`mail.${b}`, a(LOOPBACK)],
      [`plain.${b}`, a(LOOPBACK)],
      [`_imaps._tcp.${b}`, srv(p.imaps, `mail.${b}`)],
      [`_imaps._tcp.${b}`, srv(993, `old.${b}`, 10)],
      [`_submission._tcp.${b}`, srv(closedPort, `mail.${b}`)],
      [`_submissions._tcp.${b}`, srv(465, `gone.${b}`)],
    ]);
    const dns = await startDns(zone);
    cleanups.push(() => dns.close());

    return {
      dnsServer: `${LOOPBACK}:${dns.port}`,
      caFile,
      httpsPort: https.port,
      healthyDomain: HEALTHY_DOMAIN,
      brokenDomain: BROKEN_DOMAIN,
      healthyView,
      brokenView,
      exportDocument: exportOf([healthyView, brokenView]),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
