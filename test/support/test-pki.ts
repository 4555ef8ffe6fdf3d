import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

/**
 * A throwaway PKI made by the `openssl` command line, in a temporary directory:
 * root CA → intermediate CA → signer, the signer shaped like a web server certificate
 * (extendedKeyUsage serverAuth, a DNS subjectAltName). Plus what start-up must refuse:
 * an unrelated RSA key, an encrypted copy of the signer's key, an ECDSA certificate and
 * key, and an unrelated root CA that verification must not accept.
 */
export interface TestPki {
  readonly dir: string;
  /** Root CA certificate (PEM file): the trust anchor for verification. */
  readonly rootCa: string;
  /** Intermediate CA certificate (PEM file): the signing chain. */
  readonly intermediate: string;
  readonly signerCert: string;
  readonly signerKey: string;
  /** signerCert followed by the intermediate, as certbot's fullchain.pem. */
  readonly fullchain: string;
  /** An RSA key that belongs to no certificate here. */
  readonly otherKey: string;
  /** signerKey, encrypted with a passphrase. */
  readonly encryptedKey: string;
  readonly ecCert: string;
  readonly ecKey: string;
  /** A self-signed CA that signed nothing here. */
  readonly unrelatedCa: string;
  readonly read: (file: string) => string;
  readonly remove: () => void;
}

/**
 * Validity of the certificates made here: longer than the 14 days within which the
 * server warns about the signing certificate's expiry (issueSigner makes others).
 */
const VALID_DAYS = 30;

function openssl(dir: string, args: readonly string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function selfSignedCa(dir: string, name: string, subject: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-subj',
    subject,
    '-days',
    String(VALID_DAYS),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

/** A key and a certificate for it, issued by `issuer` with the extensions given. */
function issued(
  dir: string,
  name: string,
  subject: string,
  issuer: string,
  extensions: string,
  newkey: readonly string[] = ['-newkey', 'rsa:2048'],
): void {
  openssl(dir, [
    'req',
    '-new',
    ...newkey,
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${issuer}.pem`,
    '-CAkey',
    `${issuer}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    String(VALID_DAYS),
    '-sha256',
    '-extfile',
    `${name}.ext`,
  ]);
}

const CA_EXTENSIONS = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n';
const SERVER_EXTENSIONS =
  'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n' +
  'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:autoconfig.example.com\n';

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'automx2-pki-'));
  selfSignedCa(dir, 'root', '/CN=automx2 test root CA');
  issued(dir, 'intermediate', '/CN=automx2 test intermediate CA', 'root', CA_EXTENSIONS);
  issued(dir, 'signer', '/CN=autoconfig.example.com', 'intermediate', SERVER_EXTENSIONS);
  issued(dir, 'ec', '/CN=ec.example.com', 'intermediate', SERVER_EXTENSIONS, [
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
  ]);
  selfSignedCa(dir, 'unrelated', '/CN=automx2 unrelated CA');
  openssl(dir, ['genpkey', '-algorithm', 'RSA', '-out', 'other.key']);
  openssl(dir, [
    'pkey',
    '-in',
    'signer.key',
    '-aes256',
    '-passout',
    'pass:secret',
    '-out',
    'encrypted.key',
  ]);
  const path = (file: string) => join(dir, file);
  const read = (file: string) => readFileSync(file, 'utf8');
  writeFileSync(path('fullchain.pem'), read(path('signer.pem')) + read(path('intermediate.pem')));
  return {
    dir,
    rootCa: path('root.pem'),
    intermediate: path('intermediate.pem'),
    signerCert: path('signer.pem'),
    signerKey: path('signer.key'),
    fullchain: path('fullchain.pem'),
    otherKey: path('other.key'),
    encryptedKey: path('encrypted.key'),
    ecCert: path('ec.pem'),
    ecKey: path('ec.key'),
    unrelatedCa: path('unrelated.pem'),
    read,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface IssuedSigner {
  /** PEM file of the certificate, issued by the intermediate CA. */
  readonly cert: string;
  /** PEM file of its (new, unencrypted RSA) key. */
  readonly key: string;
  /** The validity given, to the whole second. */
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * Another signer from the PKI's intermediate CA, with a new key and exactly the
 * validity given (openssl's `-days` cannot make a certificate that expires within
 * hours or has expired): a renewed certificate, or one about to expire. Made with
 * node-forge, shaped like the PKI's own signer.
 */
export function issueSigner(
  pki: TestPki,
  name: string,
  validity: { readonly notBefore: Date; readonly notAfter: Date },
): IssuedSigner {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const issuer = forge.pki.certificateFromPem(pki.read(pki.intermediate));
  const issuerKey = forge.pki.privateKeyFromPem(pki.read(join(pki.dir, 'intermediate.key')));
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  );
  certificate.serialNumber = `01${randomBytes(15).toString('hex')}`;
  // X.509 times have whole seconds.
  const notBefore = new Date(Math.floor(validity.notBefore.getTime() / 1000) * 1000);
  const notAfter = new Date(Math.floor(validity.notAfter.getTime() / 1000) * 1000);
  certificate.validity.notBefore = notBefore;
  certificate.validity.notAfter = notAfter;
  certificate.setSubject([{ name: 'commonName', value: 'autoconfig.example.com' }]);
  certificate.setIssuer(issuer.subject.attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'autoconfig.example.com' }] },
  ]);
  certificate.sign(issuerKey, forge.md.sha256.create());
  const cert = join(pki.dir, `${name}.pem`);
  const key = join(pki.dir, `${name}.key`);
  writeFileSync(cert, forge.pki.certificateToPem(certificate));
  writeFileSync(key, keyPem);
  return { cert, key, notBefore, notAfter };
}
