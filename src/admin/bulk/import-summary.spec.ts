import type { SeedPlan } from '../../provisioning/plan';
import { mergeSummary, replaceSummary } from './import-summary';

describe('import summaries', () => {
  it('counts a merge, with the API spelling of each list', () => {
    const summary = mergeSummary('export', {
      added: ['a.example', 'b.example'],
      replaced: ['c.example'],
      mergedAway: [],
      removed: { servers: 3, davServers: 1, ldapServers: 0, providers: 2 },
    });
    expect(JSON.parse(JSON.stringify(summary))).toEqual({
      mode: 'merge',
      kind: 'export',
      added: 2,
      replaced: 1,
      merged_away: 0,
      removed: { servers: 3, davservers: 1, ldapservers: 0, providers: 2 },
    });
  });

  it('counts the rows of a replacement', () => {
    const plan: SeedPlan = {
      providers: [{ ref: 'p', name: 'P', shortName: 'P' }],
      ldapServers: [],
      domains: [
        { ref: 'd0', name: 'a.example', providerRef: 'p', ldapServerRef: null },
        { ref: 'd1', name: 'b.example', providerRef: 'p', ldapServerRef: null },
      ],
      servers: [
        {
          prio: 10,
          name: 'imap.example',
          port: 993,
          type: 'imap',
          socketType: 'SSL',
          userName: '%EMAILADDRESS%',
          authentication: 'plain',
          domainRefs: ['d0', 'd1'],
        },
      ],
      davServers: [],
    };
    expect(replaceSummary('seed-v2', plan)).toEqual({
      mode: 'replace',
      kind: 'seed-v2',
      providers: 1,
      domains: 2,
      servers: 1,
      davservers: 0,
      ldapservers: 0,
    });
  });
});
