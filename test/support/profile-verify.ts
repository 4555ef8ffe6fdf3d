import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestPki } from './test-pki';

export interface Verification {
  readonly status: number | null;
  readonly stderr: string;
  /** The signed content (the plist), empty when openssl wrote none. */
  readonly content: string;
  /** PEM file with the certificate that signed the profile (written on success). */
  readonly signerFile: string;
}

let verifications = 0;

/**
 * `openssl smime -verify` of a DER profile against `caFile`. `-purpose any`: the signer
 * is a web server certificate (extendedKeyUsage serverAuth), which iOS and macOS accept
 * for profiles but openssl's default S/MIME purpose check would not.
 */
export function opensslVerify(pki: TestPki, signed: Buffer, caFile: string): Verification {
  const n = ++verifications;
  const input = join(pki.dir, `signed-${n}.mobileconfig`);
  const output = join(pki.dir, `content-${n}.xml`);
  const signerFile = join(pki.dir, `signer-${n}.pem`);
  writeFileSync(input, signed);
  const result = spawnSync(
    'openssl',
    [
      'smime',
      '-verify',
      '-inform',
      'der',
      '-in',
      input,
      '-CAfile',
      caFile,
      '-purpose',
      'any',
      '-signer',
      signerFile,
      '-out',
      output,
    ],
    { encoding: 'utf8' },
  );
  let content = '';
  try {
    content = pki.read(output);
  } catch {
    // openssl wrote nothing: verification failed before the content.
  }
  return { status: result.status, stderr: result.stderr, content, signerFile };
}
