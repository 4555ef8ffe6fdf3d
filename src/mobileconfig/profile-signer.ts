/**
 * Signs configuration profiles as CMS SignedData (RFC 5652), DER, content attached:
 * what `openssl smime -sign -nodetach -outform der` makes and what iOS and macOS show
 * as "Verified". The structure is built by node-forge (`pkcs7.createSignedData`):
 * SHA-256, authenticated attributes contentType, messageDigest and signingTime, the
 * signer's certificate and the chain included.
 *
 * RSA only: node-forge reads no other certificate keys, and writes rsaEncryption as the
 * signature algorithm. The RSA signature itself (RSASSA-PKCS1-v1_5, deterministic, so
 * the bytes are the same) is made by Node's native crypto: forge's JavaScript RSA takes
 * about 70 ms per 2048-bit signature and would block the event loop on every request;
 * native takes about 1 ms.
 *
 * The PEM texts are checked once, when the signer is built: every certificate parses,
 * the key is a plain (unencrypted) RSA key and belongs to the signer's certificate.
 */
import { readFileSync } from 'node:fs';
import {
  X509Certificate,
  constants,
  createPrivateKey,
  privateEncrypt,
  type KeyObject,
} from 'node:crypto';
import forge from 'node-forge';
import type { AppConfig } from '../config/app-config';
import { ConfigProblems } from '../config/load-config';

export interface SigningPem {
  /** The signer's certificate; further certificates after it are taken as chain. */
  readonly certificate: string;
  /** Unencrypted RSA private key, PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`). */
  readonly privateKey: string;
  /** Intermediate certificates, in any order (duplicates of the signer's are dropped). */
  readonly chain?: string;
}

/** What the three PEM texts are called in error messages (a config key and its file). */
export interface SigningPemNames {
  readonly certificate: string;
  readonly privateKey: string;
  readonly chain: string;
}

const DEFAULT_NAMES: SigningPemNames = {
  certificate: 'certificate',
  privateKey: 'private key',
  chain: 'chain',
};

/** Object identifiers (RFC 5652 §11, RFC 5754). */
const OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  data: '1.2.840.113549.1.7.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

/** DER prefix of a DigestInfo for SHA-256 (RFC 8017 §9.2, note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export class ProfileSigner {
  /** The signer's certificate first, then the chain. */
  private readonly certificates: readonly forge.pki.Certificate[];
  private readonly key: forge.pki.rsa.PrivateKey;
  /** Subject of the signer's certificate, for the start-up log. */
  readonly subject: string;
  readonly validFrom: Date;
  readonly validTo: Date;
  /**
   * SHA-256 fingerprints of the certificates (signer's first, then the chain): equal
   * for two signers read from the same certificates, and so the same key.
   */
  readonly fingerprint: string;

  constructor(pem: SigningPem, names: SigningPemNames = DEFAULT_NAMES) {
    const own = readCertificates(pem.certificate, names.certificate);
    const [signer] = own;
    if (!signer) throw new Error(`${names.certificate}: no PEM certificate found`);
    const chain = pem.chain === undefined ? [] : readCertificates(pem.chain, names.chain);
    if (pem.chain !== undefined && chain.length === 0) {
      throw new Error(`${names.chain}: no PEM certificate found`);
    }
    const privateKey = readRsaKey(pem.privateKey, names.privateKey);
    if (!signer.x509.checkPrivateKey(privateKey)) {
      throw new Error(
        `${names.privateKey}: the key does not belong to the certificate in ${names.certificate}`,
      );
    }
    const certificates = uniqueByDer([...own, ...chain]);
    this.certificates = certificates.map((certificate) => certificate.forge);
    this.fingerprint = certificates.map(({ x509 }) => x509.fingerprint256).join(' ');
    this.key = nativelySigningKey(privateKey);
    this.subject = signer.x509.subject.replace(/\n/g, ', ');
    this.validFrom = new Date(signer.x509.validFrom);
    this.validTo = new Date(signer.x509.validTo);
  }

  /** `CN=… (valid 2026-01-01T00:00:00.000Z to 2026-04-01T00:00:00.000Z)`, for log lines. */
  describe(): string {
    return `${this.subject} (valid ${this.validFrom.toISOString()} to ${this.validTo.toISOString()})`;
  }

  /** The profile as CMS SignedData, DER, with the UTF-8 bytes of `xml` attached. */
  sign(xml: string): Buffer {
    const [signer] = this.certificates;
    if (!signer) throw new Error('no signer certificate');
    const signedData = forge.pkcs7.createSignedData();
    signedData.content = forge.util.createBuffer(xml, 'utf8');
    for (const certificate of this.certificates) signedData.addCertificate(certificate);
    signedData.addSigner({
      key: this.key,
      certificate: signer,
      digestAlgorithm: OID.sha256,
      authenticatedAttributes: [
        { type: OID.contentType, value: OID.data },
        // Values computed by sign(): the content's digest, the current time.
        { type: OID.messageDigest },
        { type: OID.signingTime },
      ],
    });
    signedData.sign();
    return Buffer.from(forge.asn1.toDer(signedData.toAsn1()).getBytes(), 'binary');
  }
}

/**
 * The signer for the configured files, or null when signing is off. Reads the files
 * each time it is called (start-up, reload); any problem (unreadable file, bad PEM, key
 * not matching the certificate) becomes a ConfigProblems naming the key and file, so
 * start-up stops and a reload keeps the signer it had.
 */
export function loadProfileSigner(
  config: Pick<AppConfig, 'sourceFile' | 'mobileconfigSigning'>,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): ProfileSigner | null {
  const signing = config.mobileconfigSigning;
  if (!signing) return null;
  const where = config.sourceFile ?? 'configuration';
  const names: SigningPemNames = {
    certificate: `mobileconfig_sign_cert = ${JSON.stringify(signing.certFile)}`,
    privateKey: `mobileconfig_sign_key = ${JSON.stringify(signing.keyFile)}`,
    chain: `mobileconfig_sign_chain = ${JSON.stringify(signing.chainFile)}`,
  };
  const problems: string[] = [];
  const read = (name: string, path: string): string => {
    try {
      return readFile(path);
    } catch (error) {
      problems.push(`${where}: ${name}: cannot read: ${(error as Error).message}`);
      return '';
    }
  };
  const certificate = read(names.certificate, signing.certFile);
  const privateKey = read(names.privateKey, signing.keyFile);
  const chain = signing.chainFile === null ? undefined : read(names.chain, signing.chainFile);
  if (problems.length > 0) throw new ConfigProblems(problems);
  try {
    return new ProfileSigner({ certificate, privateKey, chain }, names);
  } catch (error) {
    throw new ConfigProblems([`${where}: ${(error as Error).message}`]);
  }
}

interface ParsedCertificate {
  readonly x509: X509Certificate;
  readonly forge: forge.pki.Certificate;
}

function readCertificates(text: string, name: string): ParsedCertificate[] {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  return blocks.map((block, index) => {
    const which = blocks.length > 1 ? ` (certificate ${index + 1} of ${blocks.length})` : '';
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(block);
    } catch (error) {
      throw new Error(`${name}${which}: not a valid certificate: ${(error as Error).message}`);
    }
    const keyType = x509.publicKey.asymmetricKeyType ?? 'unknown';
    if (keyType !== 'rsa') {
      throw new Error(
        `${name}${which}: has an ${keyType.toUpperCase()} key; only RSA certificates ` +
          'can sign profiles (issue an RSA certificate, e.g. certbot --key-type rsa)',
      );
    }
    return { x509, forge: forge.pki.certificateFromPem(block) };
  });
}

function readRsaKey(text: string, name: string): KeyObject {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    throw new Error(
      `${name}: the key is encrypted; give an unencrypted key ` +
        '(openssl pkey -in encrypted.pem -out key.pem), readable only by this service',
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (error) {
    throw new Error(`${name}: not a PEM private key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(
      `${name}: an ${(key.asymmetricKeyType ?? 'unknown').toUpperCase()} key; ` +
        'only RSA keys can sign profiles',
    );
  }
  return key;
}

function uniqueByDer(certificates: readonly ParsedCertificate[]): ParsedCertificate[] {
  const seen = new Set<string>();
  return certificates.filter(({ x509 }) => {
    const der = x509.raw.toString('base64');
    if (seen.has(der)) return false;
    seen.add(der);
    return true;
  });
}

/**
 * A node-forge RSA key whose `sign` (RSASSA-PKCS1-v1_5 over forge's SHA-256 digest of
 * the authenticated attributes) runs in Node's native crypto; see the file comment.
 */
function nativelySigningKey(privateKey: KeyObject): forge.pki.rsa.PrivateKey {
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(pkcs1);
  key.sign = (md) => {
    if (typeof md === 'string' || md.algorithm !== 'sha256') {
      throw new Error('expected a SHA-256 message digest');
    }
    const digest = Buffer.from(md.digest().getBytes(), 'binary');
    const digestInfo = Buffer.concat([SHA256_DIGEST_INFO, digest]);
    return privateEncrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
      digestInfo,
    ).toString('binary');
  };
  return key;
}
