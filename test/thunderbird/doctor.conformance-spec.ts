import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DomainView } from '../../src/admin/admin-store';
import { AutoconfigRenderer } from '../../src/autoconfig/autoconfig.renderer';
import { AutodiscoverRenderer } from '../../src/autodiscover/autodiscover.renderer';
import { diagnose } from '../../src/doctor/doctor';
import { jxonText } from '../../src/mail-settings/thunderbird-jxon';
import { readThunderbird } from '../../src/preview/readers/thunderbird-reader';
import { thunderbirdKnowsOAuth2Host } from '../../src/mail-settings/thunderbird-oauth2-hosts';
import { domainView, IMAP, settingsOf, SMTP } from '../support/doctor-views';
import { describeWithThunderbird, type ThunderbirdVersion } from './thunderbird-cache';
import { runThunderbird, type ThunderbirdCase, type ThunderbirdResult } from './thunderbird-runner';

/**
 * The doctor's Thunderbird rules against Thunderbird's own modules (every cached
 * version): its OAuth2 host list is Thunderbird's, and what a finding says Thunderbird
 * does with a rendered document is what Thunderbird does.
 */

const SLOW = 120_000;
const EMAIL = 'someone@example.com';
const address = { address: EMAIL, localPart: 'someone', domain: 'example.com' };

/** The keys of kHostnames in a version's OAuth2Providers module, `.test` hosts left out. */
function oauth2Keys(version: ThunderbirdVersion): string[] {
  const source = readFileSync(
    join(version.dir, 'omni', 'modules', 'OAuth2Providers.sys.mjs'),
    'utf8',
  );
  const start = source.indexOf('var kHostnames = new Map([');
  const end = source.indexOf(']);', start);
  if (start < 0 || end < 0) throw new Error(`no kHostnames in Thunderbird ${version.version}`);
  const block = source.slice(start, end);
  return [...block.matchAll(/\[\s*"([^"]+)",/g)]
    .map((match) => match[1] ?? '')
    .filter((host) => !host.endsWith('.test'));
}

function autoconfigCase(id: string, view: DomainView): ThunderbirdCase {
  return {
    id,
    kind: 'autoconfig',
    email: EMAIL,
    realName: 'Some One',
    response: {
      status: 200,
      statusText: 'OK',
      contentType: 'application/xml',
      body: new AutoconfigRenderer().render(settingsOf(view)),
    },
  };
}

function autodiscoverCase(id: string, view: DomainView): ThunderbirdCase {
  return {
    id,
    kind: 'autodiscover',
    email: EMAIL,
    realName: 'Some One',
    response: {
      status: 200,
      statusText: 'OK',
      contentType: 'text/xml',
      body: new AutodiscoverRenderer().renderOutlook(settingsOf(view), address),
    },
  };
}

const rules = (view: DomainView) => diagnose(view).map((finding) => finding.rule);

const VIEWS = {
  healthy: domainView(),
  oauth2Unknown: domainView({ servers: [IMAP({ authentication: 'OAuth2' }), SMTP()] }),
  oauth2Known: domainView({
    servers: [IMAP({ authentication: 'OAuth2', name: 'imap.gmail.com' }), SMTP()],
  }),
  emptyUsername: domainView({ servers: [IMAP({ user_name: '' }), SMTP()] }),
  numericUsername: domainView({ servers: [IMAP({ user_name: '0815' }), SMTP()] }),
  starttlsPort: domainView({ servers: [IMAP({ socket_type: 'STARTTLS', port: 1143 }), SMTP()] }),
  sslPort: domainView({ servers: [IMAP({ socket_type: 'SSL', port: 143 }), SMTP()] }),
  incomingNone: domainView({ servers: [IMAP({ authentication: 'none' }), SMTP()] }),
  noSmtp: domainView({ servers: [IMAP()] }),
} satisfies Record<string, DomainView>;

/** User names whose JXON reading differs from the text, or does not. */
const USER_NAMES = ['', '  ', '0815', '1e3', '1.50', 'TRUE', 'alice'];

/** Domains the preview's Thunderbird reader is compared on. */
const READER_VIEWS = {
  ...VIEWS,
  oauth2UnknownThenPassword: domainView({
    servers: [
      IMAP({ authentication: 'OAuth2', name: 'oauth.example.com' }),
      IMAP({ name: 'password.example.com' }),
      SMTP(),
    ],
  }),
  oauth2UnknownSmtp: domainView({ servers: [IMAP(), SMTP({ authentication: 'OAuth2' })] }),
} satisfies Record<string, DomainView>;

describeWithThunderbird('doctor rules against Thunderbird', (versions) => {
  it(
    'knows an OAuth2 provider for a host exactly when every cached Thunderbird does',
    async () => {
      const keys = new Set(versions.flatMap(oauth2Keys));
      expect(keys.size).toBeGreaterThan(20);
      const hosts = new Set<string>(['imap.example.com', 'mail.aol.com', 'gmail.com.example']);
      for (const key of keys) {
        hosts.add(key);
        hosts.add(`imap.${key}`);
      }
      const queries = [...hosts].map((hostname) => ({ hostname, type: 'imap' }));
      const answers = await Promise.all(
        versions.map((version) => runThunderbird(version, [], queries)),
      );
      const mismatches = [...hosts].filter((hostname) => {
        const everyVersion = answers.every(
          (output) => output.oauth2.find((o) => o.hostname === hostname)?.provider === true,
        );
        return everyVersion !== thunderbirdKnowsOAuth2Host(hostname);
      });
      expect(mismatches).toEqual([]);
    },
    SLOW,
  );

  describe.each(versions.map((version) => [version.version, version] as const))(
    'Thunderbird %s',
    (_name, version) => {
      let results: Map<string, ThunderbirdResult>;

      beforeAll(async () => {
        const cases = [
          ...Object.entries(READER_VIEWS).map(([id, view]) =>
            autoconfigCase(`autoconfig ${id}`, view),
          ),
          ...USER_NAMES.map((userName) =>
            autoconfigCase(
              `autoconfig username ${JSON.stringify(userName)}`,
              domainView({ servers: [IMAP({ user_name: userName }), SMTP()] }),
            ),
          ),
          autodiscoverCase('autodiscover starttlsPort', VIEWS.starttlsPort),
          autodiscoverCase('autodiscover sslPort', VIEWS.sslPort),
          autodiscoverCase('autodiscover healthy', VIEWS.healthy),
        ];
        const output = await runThunderbird(version, cases);
        results = new Map(output.results.map((result) => [result.id, result]));
      }, SLOW);

      const result = (id: string) => {
        const found = results.get(id);
        if (found === undefined) throw new Error(`no result for ${id}`);
        return found;
      };

      it('takes the healthy domain, on which the doctor finds nothing', () => {
        expect(rules(VIEWS.healthy)).toEqual([]);
        expect(result('autoconfig healthy').accepted).toBe(true);
        expect(result('autodiscover healthy').account?.incoming[0]?.socketType).toBe('SSL');
      });

      it('thunderbird.oauth2-without-provider: rejects the only IMAP server with OAuth2', () => {
        expect(rules(VIEWS.oauth2Unknown)).toContain('thunderbird.oauth2-without-provider');
        expect(result('autoconfig oauth2Unknown').accepted).toBe(false);
        expect(rules(VIEWS.oauth2Known)).not.toContain('thunderbird.oauth2-without-provider');
        expect(result('autoconfig oauth2Known').account?.incoming[0]?.auth).toBe('OAuth2');
      });

      it('thunderbird.empty-username: logs in as "true"', () => {
        expect(rules(VIEWS.emptyUsername)).toContain('thunderbird.empty-username');
        expect(result('autoconfig emptyUsername').account?.incoming[0]?.username).toBe('true');
      });

      it('thunderbird.numeric-username: logs in as the number', () => {
        expect(rules(VIEWS.numericUsername)).toContain('thunderbird.numeric-username');
        expect(result('autoconfig numericUsername').account?.incoming[0]?.username).toBe('815');
      });

      it('thunderbird.autodiscover-starttls-port / -ssl-port: guesses from the port', () => {
        expect(rules(VIEWS.starttlsPort)).toContain('thunderbird.autodiscover-starttls-port');
        expect(result('autodiscover starttlsPort').account?.incoming[0]?.socketType).toBe('SSL');
        expect(result('autoconfig starttlsPort').account?.incoming[0]?.socketType).toBe(
          'alwaysSTARTTLS',
        );
        expect(rules(VIEWS.sslPort)).toContain('thunderbird.autodiscover-ssl-port');
        expect(result('autodiscover sslPort').account?.incoming[0]?.socketType).toBe(
          'alwaysSTARTTLS',
        );
      });

      it('thunderbird.authentication-skipped: rejects the only IMAP server without auth', () => {
        expect(rules(VIEWS.incomingNone)).toContain('thunderbird.authentication-skipped');
        expect(result('autoconfig incomingNone').accepted).toBe(false);
      });

      it('reads user names as the JXON module says (empty "true", blank "NaN")', () => {
        const usernames = USER_NAMES.map(
          (userName) =>
            result(`autoconfig username ${JSON.stringify(userName)}`).account?.incoming[0]
              ?.username,
        );
        expect(usernames).toEqual(USER_NAMES.map(jxonText));
      });

      it('accepts or rejects each autoconfig document as the preview reader says', () => {
        const verdicts = Object.entries(READER_VIEWS).map(([id, view]) => {
          const document = new AutoconfigRenderer().render(settingsOf(view));
          const reading = readThunderbird(document, address);
          const thunderbird = result(`autoconfig ${id}`);
          return {
            id,
            reader: reading.accepted,
            thunderbird: thunderbird.accepted,
            host: reading.accepted ? reading.summary.split(' ')[1]?.split(':')[0] : undefined,
            thunderbirdHost: thunderbird.account?.incoming[0]?.hostname,
          };
        });
        for (const verdict of verdicts) {
          expect({ id: verdict.id, accepted: verdict.reader, host: verdict.host }).toEqual({
            id: verdict.id,
            accepted: verdict.thunderbird,
            host: verdict.thunderbirdHost,
          });
        }
      });

      it('smtp.missing: rejects the autoconfig document', () => {
        expect(rules(VIEWS.noSmtp)).toContain('smtp.missing');
        expect(result('autoconfig noSmtp').accepted).toBe(false);
      });
    },
  );
});
