import { X509Certificate, createHash, verify } from 'node:crypto';
import forge from 'node-forge';
import { createTestPki, type TestPki } from '../../test/support/test-pki';
import { ConfigProblems } from '../config/load-config';
import { ProfileSigner, loadProfileSigner, type SigningPem } from './profile-signer';

const { asn1 } = forge;

/** The parts of a DER ContentInfo(SignedData) the checks below need (RFC 5652 §5). */
interface SignedParts {
  readonly contentType: string;
  readonly content: Buffer;
  readonly certificates: Buffer[];
  readonly digestAlgorithm: string;
  /** The signed attributes re-tagged as a SET OF, as they are signed (§5.4). */
  readonly signedAttributes: Buffer;
  readonly attributes: Map<string, forge.asn1.Asn1>;
  readonly signature: Buffer;
}

function children(node: forge.asn1.Asn1 | undefined): forge.asn1.Asn1[] {
  if (!node || !Array.isArray(node.value)) throw new Error('expected a constructed ASN.1 value');
  return node.value;
}

function bytes(node: forge.asn1.Asn1 | undefined): Buffer {
  if (!node || typeof node.value !== 'string') throw new Error('expected a primitive value');
  return Buffer.from(node.value, 'binary');
}

function der(node: forge.asn1.Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}

function oid(node: forge.asn1.Asn1 | undefined): string {
  if (!node || typeof node.value !== 'string') throw new Error('expected an OID');
  return asn1.derToOid(node.value);
}

function readSignedData(signed: Buffer): SignedParts {
  const contentInfo = asn1.fromDer(signed.toString('binary'));
  const [type, explicit] = children(contentInfo);
  expect(oid(type)).toBe('1.2.840.113549.1.7.2');
  const [, digestAlgorithms, encapsulated, certificates, signerInfos] = children(
    children(explicit)[0],
  );
  const [contentType, contentWrapper] = children(encapsulated);
  const [signerInfo, ...otherSigners] = children(signerInfos);
  expect(otherSigners).toHaveLength(0);
  const [, , digestAlgorithm, signedAttrs, signatureAlgorithm, signature] = children(signerInfo);
  expect(oid(children(signatureAlgorithm)[0])).toBe('1.2.840.113549.1.1.1');
  expect(oid(children(children(digestAlgorithms)[0])[0])).toBe('2.16.840.1.101.3.4.2.1');
  const attributes = new Map(
    children(signedAttrs).map((attribute) => {
      const [attrType, values] = children(attribute);
      const [value] = children(values);
      if (!value) throw new Error('attribute without a value');
      return [oid(attrType), value] as const;
    }),
  );
  const asSet = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, children(signedAttrs));
  return {
    contentType: oid(contentType),
    content: bytes(children(contentWrapper)[0]),
    certificates: children(certificates).map(der),
    digestAlgorithm: oid(children(digestAlgorithm)[0]),
    signedAttributes: der(asSet),
    attributes,
    signature: bytes(signature),
  };
}

describe(ProfileSigner.name, () => {
  let pki: TestPki;
  let pem: SigningPem;

  beforeAll(() => {
    pki = createTestPki();
    pem = {
      certificate: pki.read(pki.signerCert),
      privateKey: pki.read(pki.signerKey),
      chain: pki.read(pki.intermediate),
    };
  });

  afterAll(() => pki?.remove());

  describe('sign', () => {
    const xml = '<?xml version="1.0"?><plist><string>Jürgen &amp; Bücher</string></plist>';

    it('attaches the UTF-8 content and signs it with SHA-256 over the attributes', () => {
      const parts = readSignedData(new ProfileSigner(pem).sign(xml));
      expect(parts.contentType).toBe('1.2.840.113549.1.7.1');
      expect(parts.content.equals(Buffer.from(xml, 'utf8'))).toBe(true);
      expect(parts.digestAlgorithm).toBe('2.16.840.1.101.3.4.2.1');
      expect(oid(parts.attributes.get('1.2.840.113549.1.9.3'))).toBe('1.2.840.113549.1.7.1');
      expect(bytes(parts.attributes.get('1.2.840.113549.1.9.4'))).toEqual(
        createHash('sha256').update(xml, 'utf8').digest(),
      );
      expect(parts.attributes.has('1.2.840.113549.1.9.5')).toBe(true);
      const signer = new X509Certificate(pem.certificate);
      expect(verify('sha256', parts.signedAttributes, signer.publicKey, parts.signature)).toBe(
        true,
      );
    });

    it('includes the signer certificate first, then the chain', () => {
      const parts = readSignedData(new ProfileSigner(pem).sign(xml));
      expect(parts.certificates).toEqual([
        new X509Certificate(pem.certificate).raw,
        new X509Certificate(pki.read(pki.intermediate)).raw,
      ]);
    });

    it('takes certificates after the first in the certificate file as chain, once each', () => {
      const fullchain = pki.read(pki.fullchain);
      const signer = new ProfileSigner({ ...pem, certificate: fullchain, chain: fullchain });
      expect(readSignedData(signer.sign(xml)).certificates).toHaveLength(2);
    });

    it('makes a valid signature for every call (fresh signing time)', () => {
      const signer = new ProfileSigner({ ...pem, chain: undefined });
      const publicKey = new X509Certificate(pem.certificate).publicKey;
      for (const text of ['a', xml, 'x'.repeat(100_000)]) {
        const parts = readSignedData(signer.sign(text));
        expect(parts.certificates).toHaveLength(1);
        expect(verify('sha256', parts.signedAttributes, publicKey, parts.signature)).toBe(true);
      }
    });

    it("signs in Node's native crypto, byte for byte as node-forge's own RSA would", () => {
      // pki.rsa.encrypt (forge's JavaScript RSA, used by its key.sign) is not in the typings.
      const rsa = forge.pki.rsa as unknown as { encrypt: (...args: unknown[]) => unknown };
      const forgeRsa = jest.spyOn(rsa, 'encrypt');
      try {
        const parts = readSignedData(new ProfileSigner(pem).sign(xml));
        expect(forgeRsa).not.toHaveBeenCalled();
        const md = forge.md.sha256.create();
        md.update(parts.signedAttributes.toString('binary'));
        const forgeSignature = forge.pki.privateKeyFromPem(pem.privateKey).sign(md);
        expect(forgeRsa).toHaveBeenCalledTimes(1);
        expect(parts.signature.equals(Buffer.from(forgeSignature, 'binary'))).toBe(true);
      } finally {
        forgeRsa.mockRestore();
      }
    });
  });

  describe('constructor', () => {
    it('reports the subject and validity of the signer certificate', () => {
      const signer = new ProfileSigner(pem);
      expect(signer.subject).toBe('CN=autoconfig.example.com');
      expect(signer.validTo.getTime()).toBeGreaterThan(Date.now());
      expect(signer.validFrom.getTime()).toBeLessThanOrEqual(Date.now());
    });

    it.each<[string, () => SigningPem, RegExp]>([
      [
        'a key of another certificate',
        () => ({ ...pem, privateKey: pki.read(pki.otherKey) }),
        /^private key: the key does not belong to the certificate in certificate$/,
      ],
      [
        'an encrypted key',
        () => ({ ...pem, privateKey: pki.read(pki.encryptedKey) }),
        /^private key: the key is encrypted/,
      ],
      [
        'an ECDSA certificate',
        () => ({ ...pem, certificate: pki.read(pki.ecCert), privateKey: pki.read(pki.ecKey) }),
        /^certificate: has an EC key; only RSA certificates can sign profiles/,
      ],
      [
        'an ECDSA key',
        () => ({ ...pem, privateKey: pki.read(pki.ecKey) }),
        /^private key: an EC key; only RSA keys can sign profiles$/,
      ],
      [
        'a key where the certificate belongs',
        () => ({ ...pem, certificate: pki.read(pki.signerKey) }),
        /^certificate: no PEM certificate found$/,
      ],
      [
        'a certificate where the key belongs',
        () => ({ ...pem, privateKey: pki.read(pki.signerCert) }),
        /^private key: not a PEM private key: /,
      ],
      [
        'a damaged certificate',
        () => ({
          ...pem,
          certificate: pki
            .read(pki.signerCert)
            .replace(/^(-----BEGIN CERTIFICATE-----\n)..../, '$1AAAA'),
        }),
        /^certificate: not a valid certificate: /,
      ],
      ['an empty chain', () => ({ ...pem, chain: '\n' }), /^chain: no PEM certificate found$/],
      [
        'an ECDSA certificate in the chain',
        () => ({ ...pem, chain: pki.read(pki.intermediate) + pki.read(pki.ecCert) }),
        /^chain \(certificate 2 of 2\): has an EC key/,
      ],
    ])('refuses %s', (_case, material, message) => {
      expect(() => new ProfileSigner(material())).toThrow(message);
    });
  });
});

describe(loadProfileSigner.name, () => {
  let pki: TestPki;

  beforeAll(() => {
    pki = createTestPki();
  });

  afterAll(() => pki?.remove());

  const config = (signing: { certFile: string; keyFile: string; chainFile?: string | null }) => ({
    sourceFile: '/etc/automx2/automx2.conf',
    mobileconfigSigning: { chainFile: null, ...signing },
  });

  function problems(run: () => unknown): readonly string[] {
    try {
      run();
    } catch (error) {
      if (error instanceof ConfigProblems) return error.problems;
      throw error;
    }
    throw new Error('no ConfigProblems thrown');
  }

  it('is null when signing is not configured', () => {
    expect(loadProfileSigner({ sourceFile: null, mobileconfigSigning: null })).toBeNull();
  });

  it('reads the three files once', () => {
    const reads: string[] = [];
    const signer = loadProfileSigner(
      config({ certFile: pki.signerCert, keyFile: pki.signerKey, chainFile: pki.intermediate }),
      (path) => {
        reads.push(path);
        return pki.read(path);
      },
    );
    expect(signer).toBeInstanceOf(ProfileSigner);
    expect(reads).toEqual([pki.signerCert, pki.signerKey, pki.intermediate]);
  });

  it('names every file it cannot read, with its key', () => {
    const missing = `${pki.dir}/missing.pem`;
    expect(
      problems(() => loadProfileSigner(config({ certFile: missing, keyFile: `${missing}.key` }))),
    ).toEqual([
      `/etc/automx2/automx2.conf: mobileconfig_sign_cert = "${missing}": cannot read: ENOENT: no such file or directory, open '${missing}'`,
      `/etc/automx2/automx2.conf: mobileconfig_sign_key = "${missing}.key": cannot read: ENOENT: no such file or directory, open '${missing}.key'`,
    ]);
  });

  it('names both files when the key does not belong to the certificate', () => {
    expect(
      problems(() =>
        loadProfileSigner(config({ certFile: pki.signerCert, keyFile: pki.otherKey })),
      ),
    ).toEqual([
      `/etc/automx2/automx2.conf: mobileconfig_sign_key = "${pki.otherKey}": the key does not belong to the certificate in mobileconfig_sign_cert = "${pki.signerCert}"`,
    ]);
  });

  it('names the chain file when it holds no certificate', () => {
    const [problem] = problems(() =>
      loadProfileSigner(
        config({ certFile: pki.signerCert, keyFile: pki.signerKey, chainFile: pki.signerKey }),
      ),
    );
    expect(problem).toBe(
      `/etc/automx2/automx2.conf: mobileconfig_sign_chain = "${pki.signerKey}": no PEM certificate found`,
    );
  });
});
