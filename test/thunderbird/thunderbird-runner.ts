import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ThunderbirdVersion } from './thunderbird-cache';

/** The names of Ci.nsMsgSocketType / Ci.nsMsgAuthMethod values, as the runner prints them. */
export type TbSocketType = 'plain' | 'trySTARTTLS' | 'alwaysSTARTTLS' | 'SSL';
export type TbAuthMethod =
  | 'none'
  | 'old'
  | 'passwordCleartext'
  | 'passwordEncrypted'
  | 'GSSAPI'
  | 'NTLM'
  | 'External'
  | 'secure'
  | 'anything'
  | 'OAuth2';

export type DocumentKind = 'autoconfig' | 'autodiscover';

/** An HTTP response of our service, replayed to Thunderbird's FetchHTTP. */
export interface ServedResponse {
  readonly status: number;
  readonly statusText: string;
  readonly contentType: string;
  readonly body: string;
}

export interface ThunderbirdCase {
  readonly id: string;
  readonly kind: DocumentKind;
  readonly email: string;
  readonly realName: string;
  readonly response: ServedResponse;
}

export interface TbServer {
  readonly type: string;
  readonly hostname: string;
  readonly port: number;
  readonly socketType: TbSocketType;
  readonly auth: TbAuthMethod;
  /** null when a document gives an outgoing server no user name (no password auth). */
  readonly username: string | null;
}

export interface TbAccount {
  /** `incoming`, then the alternatives, each filled in as when the user picks it. */
  readonly incoming: readonly TbServer[];
  readonly outgoing: TbServer | null;
  /** No outgoing server: Thunderbird uses the default SMTP server of the profile. */
  readonly useGlobalOutgoing: boolean;
  /** As parsed: Thunderbird never offers or fills these in. */
  readonly outgoingAlternatives: readonly TbServer[];
  /** `<domain>`s of an autoconfig document as Thunderbird kept them. */
  readonly domains: readonly string[];
}

export interface ThunderbirdResult {
  readonly id: string;
  readonly accepted: boolean;
  readonly stage?: 'discovery' | 'replaceVariables';
  readonly exception?: string;
  readonly account?: TbAccount;
  /** What the modules logged (servers they skipped and why). */
  readonly log: readonly string[];
  readonly requests: readonly { readonly method: string; readonly url: string }[];
}

export interface OAuth2Query {
  readonly hostname: string;
  readonly type: string;
}

export interface ThunderbirdOutput {
  readonly results: readonly ThunderbirdResult[];
  readonly oauth2: readonly (OAuth2Query & { readonly provider: boolean })[];
}

const HARNESS = join(__dirname, 'harness');

/**
 * Runs the cases through one Thunderbird version in a child Node process (its modules
 * are ES modules with Gecko URLs, loaded by harness/register.mjs). Asynchronous on
 * purpose: our service answers in this process meanwhile.
 */
export function runThunderbird(
  version: ThunderbirdVersion,
  cases: readonly ThunderbirdCase[],
  oauth2Queries: readonly OAuth2Query[] = [],
): Promise<ThunderbirdOutput> {
  const child = spawn(
    process.execPath,
    ['--import', pathToFileURL(join(HARNESS, 'register.mjs')).href, join(HARNESS, 'run.mjs')],
    { env: { ...process.env, THUNDERBIRD_DIR: version.dir }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.end(JSON.stringify({ cases, oauth2Queries }));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const text = Buffer.concat(stdout).toString('utf8');
      if (code !== 0) {
        const detail = Buffer.concat(stderr).toString('utf8').trim();
        reject(new Error(`Thunderbird harness (${version.version}) exited ${code}: ${detail}`));
        return;
      }
      resolve(JSON.parse(text) as ThunderbirdOutput);
    });
  });
}
