import type { DomainView, ServerView } from '../admin/admin-store';
import { samplePlan } from '../initdb/sample-data';
import { domainView, IMAP, SMTP } from '../../test/support/doctor-views';
import { diagnose } from './doctor';

/** The domain view GET /initdb/ produces for a sample domain (ids in plan order). */
function sampleView(ref: string): DomainView {
  const plan = samplePlan(null, '0123456789abcdef0123456789abcdef');
  const domain = plan.domains.find((candidate) => candidate.ref === ref)!;
  const provider = plan.providers.findIndex((candidate) => candidate.ref === domain.providerRef);
  const servers: ServerView[] = plan.servers
    .map((server, index) => ({ server, id: index + 1 }))
    .filter(({ server }) => server.domainRefs.includes(ref))
    .sort((a, b) => a.server.prio - b.server.prio || a.id - b.id)
    .map(({ server, id }) => ({
      id,
      type: server.type,
      name: server.name,
      port: server.port,
      socket_type: server.socketType,
      user_name: server.userName,
      authentication: server.authentication,
      prio: server.prio,
    }));
  return {
    name: domain.name,
    provider: {
      id: provider + 1,
      name: plan.providers[provider]!.name,
      short_name: plan.providers[provider]!.shortName,
    },
    ldapserver: null,
    servers,
    davservers: [],
  };
}

describe('diagnose', () => {
  it('finds nothing on a healthy domain', () => {
    expect(diagnose(domainView())).toEqual([]);
  });

  it('gives the sample example.org k9.pop-only, and drops it once the POP server is IMAP', () => {
    const view = sampleView('org');
    expect(view.name).toBe('example.org');
    const findings = diagnose(view);
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'k9.pop-only',
        severity: 'error',
        clients: ['k9'],
        field: 'servers',
      }),
    ]);
    const fixed: DomainView = {
      ...view,
      servers: view.servers.map((server) =>
        server.type === 'pop' ? { ...server, type: 'imap' } : server,
      ),
    };
    expect(diagnose(fixed)).toEqual([]);
  });

  it('gives the sample ham-n-eggs.tld its unknown server type and missing servers', () => {
    const rules = diagnose(sampleView('eggs')).map((finding) => finding.rule);
    expect(rules).toEqual(['smtp.missing', 'data.no-incoming-server', 'data.unknown-server-type']);
  });

  it('lists errors first, then warnings, then info', () => {
    const view = domainView({
      servers: [
        IMAP({ socket_type: 'STARTTLS', port: 1143 }),
        IMAP({ name: 'imap2.example.com', socket_type: 'None' }),
        SMTP(),
      ],
    });
    const severities = diagnose(view).map((finding) => finding.severity);
    expect(severities).toEqual(['error', 'warning', 'info']);
  });

  it('names every finding by a catalogued rule id with a short subject, effect and fix', () => {
    const view = domainView({
      servers: [
        IMAP({ socket_type: 'TLS', authentication: 'OAuth2', user_name: '' }),
        IMAP({ port: 0, user_name: '%EMAILADRESS%' }),
        SMTP({ type: 'SMTP' }),
      ],
    });
    for (const finding of diagnose(view)) {
      expect(finding.rule).toMatch(/^(k9|thunderbird|outlook|apple|smtp|data|ldap)\.[a-z0-9-]+$/);
      expect(finding.subject.length).toBeLessThan(100);
      expect(finding.effect.length).toBeLessThan(300);
      expect(finding.fix.length).toBeLessThan(200);
    }
  });
});
