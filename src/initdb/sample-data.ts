import { randomBytes } from 'node:crypto';
import type { SampleLdapServer } from '../config/app-config';
import type { PlannedServer, SeedPlan } from '../provisioning/plan';

/** 32 random hex digits, drawn once per process, so sample host names never resolve. */
export const SAMPLE_HEX = randomBytes(16).toString('hex');

const mail = (type: string, port: number, name: string, domainRefs: string[]): PlannedServer => ({
  prio: 10,
  name,
  port,
  type,
  socketType: 'STARTTLS',
  userName: '%EMAILADDRESS%',
  authentication: 'plain',
  domainRefs,
});

/** The sample data of GET /initdb/ (BEHAVIOUR.md §8). */
export function samplePlan(ldap: SampleLdapServer | null, hex: string = SAMPLE_HEX): SeedPlan {
  return {
    providers: [
      { ref: 'bigcorp', name: 'Big Corporation, Inc.', shortName: 'BigCorp' },
      { ref: 'eggs', name: 'Ham & Eggs', shortName: 'H+E' },
      { ref: 'other', name: 'Some Other Provider', shortName: 'SOP' },
    ],
    ldapServers: ldap
      ? [
          {
            ref: 'ldap',
            name: ldap.hostname,
            port: ldap.port,
            useSsl: true,
            searchBase: ldap.searchBase,
            searchFilter: '(mail={0})',
            attrUid: 'uid',
            attrCn: 'cn',
            bindUser: ldap.bindUser,
            bindPassword: ldap.bindPassword,
          },
        ]
      : [],
    domains: [
      {
        ref: 'com',
        name: 'example.com',
        providerRef: 'bigcorp',
        ldapServerRef: ldap ? 'ldap' : null,
      },
      { ref: 'net', name: 'example.net', providerRef: 'bigcorp', ldapServerRef: null },
      { ref: 'org', name: 'example.org', providerRef: 'bigcorp', ldapServerRef: null },
      { ref: 'eggs', name: 'ham-n-eggs.tld', providerRef: 'eggs', ldapServerRef: null },
      { ref: 'serverless', name: 'serverless.tld', providerRef: 'other', ldapServerRef: null },
    ],
    servers: [
      mail('smtp', 587, `primary-smtp.${hex}.com`, ['com', 'net']),
      mail('smtp', 587, `secondary-smtp.${hex}.com`, ['org']),
      mail('imap', 143, `imap1.${hex}.com`, ['com']),
      mail('imap', 143, `imap2.${hex}.com`, ['net']),
      mail('pop', 143, `pop1.${hex}.com`, ['org']),
      mail('INVALID', 123, `${hex}.ham-n-eggs.tld`, ['eggs']),
    ],
    davServers: [
      {
        url: `https://caldav.${hex}.com`,
        port: 443,
        type: 'caldav',
        useSsl: true,
        domainRequired: false,
        userName: '%EMAILADDRESS%',
        domainRefs: ['com'],
      },
      {
        url: `http://carddav.${hex}.com`,
        port: 0,
        type: 'carddav',
        useSsl: false,
        domainRequired: true,
        userName: null,
        domainRefs: ['com', 'net'],
      },
    ],
  };
}
