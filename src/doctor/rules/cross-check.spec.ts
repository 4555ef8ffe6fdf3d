import type { DomainView } from '../../admin/admin-store';
import { AutoconfigRenderer } from '../../autoconfig/autoconfig.renderer';
import { AutodiscoverRenderer } from '../../autodiscover/autodiscover.renderer';
import { DomainError } from '../../common/domain-error';
import { renderMobileconfig } from '../../mobileconfig/mobileconfig.renderer';
import {
  checkK9Autoconfig,
  checkThunderbirdAutoconfig,
} from '../../../test/clients/autoconfig-rules';
import { domainView, IMAP, POP, settingsOf, SMTP } from '../../../test/support/doctor-views';
import { diagnose } from '../doctor';
import type { ClientId } from '../finding';

/**
 * The findings are true of our output: each view goes through the real renderers, and
 * the clean-room client checkers (test/clients) reject the document exactly when the
 * doctor says that client rejects it.
 */

const address = { address: 'someone@example.com', localPart: 'someone', domain: 'example.com' };

/** The rules whose error means "this client rejects the whole document / gets a 400". */
const REJECTING: Readonly<Record<'k9' | 'thunderbird' | 'apple' | 'outlook', readonly string[]>> = {
  k9: [
    'k9.unencrypted',
    'k9.authentication',
    'data.unknown-socket-type',
    'data.unknown-authentication',
    'data.unknown-server-type',
  ],
  thunderbird: [
    'smtp.missing',
    'data.no-incoming-server',
    'data.unknown-socket-type',
    'data.unknown-authentication',
    'data.unknown-server-type',
  ],
  apple: [
    'smtp.missing',
    'data.no-incoming-server',
    'apple.unsupported-authentication',
    'data.unknown-authentication',
  ],
  outlook: ['data.unknown-server-type'],
};

function predicted(view: DomainView, client: ClientId): boolean {
  return diagnose(view).some(
    (finding) =>
      finding.severity === 'error' &&
      finding.clients.includes(client) &&
      REJECTING[client].includes(finding.rule),
  );
}

/** The document, or null when the renderer refuses the data (the route answers 400). */
function rendered(render: () => string): string | null {
  try {
    return render();
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
}

const VIEWS: readonly [string, DomainView][] = [
  ['healthy', domainView()],
  ['IMAP with None', domainView({ servers: [IMAP({ socket_type: 'None' }), SMTP()] })],
  ['SMTP with plain', domainView({ servers: [IMAP(), SMTP({ socket_type: 'plain' })] })],
  ['POP with None', domainView({ servers: [POP({ socket_type: 'None' }), IMAP(), SMTP()] })],
  ['Auto socket', domainView({ servers: [IMAP({ socket_type: 'auto' }), SMTP()] })],
  ['unknown socket on IMAP', domainView({ servers: [IMAP({ socket_type: 'TLS' }), SMTP()] })],
  ['unknown socket on POP', domainView({ servers: [POP({ socket_type: 'TLS' }), IMAP(), SMTP()] })],
  ['SMTP with NTLM', domainView({ servers: [IMAP(), SMTP({ authentication: 'NTLM' })] })],
  ['SMTP with none', domainView({ servers: [IMAP(), SMTP({ authentication: 'none' })] })],
  ['IMAP with GSSAPI', domainView({ servers: [IMAP({ authentication: 'GSSAPI' }), SMTP()] })],
  ['IMAP with OAuth2', domainView({ servers: [IMAP({ authentication: 'OAuth2' }), SMTP()] })],
  ['IMAP with secure', domainView({ servers: [IMAP({ authentication: 'secure' }), SMTP()] })],
  [
    'SMTP with TLS-client-cert',
    domainView({ servers: [IMAP(), SMTP({ authentication: 'TLS-client-cert' })] }),
  ],
  ['unknown authentication', domainView({ servers: [IMAP(), SMTP({ authentication: 'md5' })] })],
  [
    'unknown authentication on a server Apple skips',
    domainView({ servers: [IMAP(), IMAP({ authentication: 'md5' }), SMTP()] }),
  ],
  ['POP only', domainView({ servers: [POP(), SMTP()] })],
  ['no SMTP', domainView({ servers: [IMAP()] })],
  ['no incoming', domainView({ servers: [SMTP()] })],
  ['only SMTP has a bad port', domainView({ servers: [IMAP(), SMTP({ port: 0 })] })],
  [
    'bad port on an unencrypted server',
    domainView({ servers: [IMAP({ socket_type: 'None', port: 99999 }), IMAP(), SMTP()] }),
  ],
  ['type IMAP', domainView({ servers: [IMAP({ type: 'IMAP' }), SMTP()] })],
  ['empty user name', domainView({ servers: [IMAP({ user_name: '' }), SMTP()] })],
];

describe('doctor findings against the real renderers and the client checkers', () => {
  describe.each(VIEWS)('%s', (_name, view) => {
    const settings = settingsOf(view);
    const autoconfig = rendered(() => new AutoconfigRenderer().render(settings));

    it('K-9 rejects the autoconfig document exactly when a K-9 error says so', () => {
      const rejected = autoconfig === null || checkK9Autoconfig(autoconfig).length > 0;
      expect(rejected).toBe(predicted(view, 'k9'));
    });

    it('Thunderbird rejects the autoconfig document exactly when a Thunderbird error says so', () => {
      const rejected =
        autoconfig === null || checkThunderbirdAutoconfig(autoconfig, 'application/xml').length > 0;
      expect(rejected).toBe(predicted(view, 'thunderbird'));
    });

    it('the Apple profile is refused exactly when an Apple error says so', () => {
      const profile = rendered(() =>
        renderMobileconfig({ settings, address, uuid: () => '0'.repeat(32) }),
      );
      expect(profile === null).toBe(predicted(view, 'apple'));
    });

    it('the Outlook answer is refused exactly when an Outlook error says so', () => {
      const answer = rendered(() => new AutodiscoverRenderer().renderOutlook(settings, address));
      expect(answer === null).toBe(predicted(view, 'outlook'));
    });
  });
});
