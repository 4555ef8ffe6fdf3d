import { EXAMPLE_LDAP, exampleSettings, fakeMailbox } from '../../test/support/fake-mailbox';
import type { DomainSettings } from '../mail-settings/domain-settings';
import type { DirectoryEntry } from '../mail-settings/mailbox';
import { MobileconfigRenderer, profileIdentifier } from './mobileconfig.renderer';
import { MobileconfigService } from './mobileconfig.service';
import { ProfileSignerSlot } from './profile-signer-slot';

/** IMAP and SMTP (its host name from the address), one CalDAV server. */
function settings(withDirectory: boolean): DomainSettings {
  return exampleSettings({
    smtpName: 'smtp.%EMAILDOMAIN%',
    ldapServer: withDirectory ? EXAMPLE_LDAP : null,
    davServers: [
      {
        id: 1,
        url: 'https://dav.example.com/cal/',
        port: 0,
        type: 'caldav',
        useSsl: true,
        domainRequired: false,
        userName: '%EMAILADDRESS%',
      },
    ],
  });
}

function setUp(cacheTtlMs: number, directory: DirectoryEntry | null = null) {
  const stored = settings(directory !== null);
  const { resolver, config, cache, repository } = fakeMailbox({
    domains: { 'example.com': stored },
    cacheTtlMs,
    directory,
    config: { permitCleartextPasswords: true },
  });
  const renderer = new MobileconfigRenderer();
  const service = new MobileconfigService(
    resolver,
    renderer,
    config,
    new ProfileSignerSlot(null),
    cache,
  );
  return { service, renderer, stored, repository };
}

const UUID = /[0-9a-f]{32}/g;

/** The profile with each distinct 32-hex-digit value numbered in order of appearance. */
function numberUuids(xml: string): { xml: string; uuids: string[] } {
  const uuids: string[] = [];
  const numbered = xml.replace(UUID, (uuid) => {
    if (!uuids.includes(uuid)) uuids.push(uuid);
    return `#${uuids.indexOf(uuid)}`;
  });
  return { xml: numbered, uuids };
}

async function profileXml(service: MobileconfigService, query: object): Promise<string> {
  return (await service.profile(query)).body.toString('utf8');
}

describe(MobileconfigService.name, () => {
  describe.each([
    ['on', 60_000],
    ['off', 0],
  ])('with the settings cache %s', (_label, cacheTtlMs) => {
    it('gives each address the profile the renderer writes for it, with fresh UUIDs', async () => {
      const { service, renderer, stored } = setUp(cacheTtlMs);
      const seen = new Set<string>();
      const addresses = [
        'a@example.com',
        'Bee.Sea@EXAMPLE.com',
        'a@example.com',
        'x&y@example.com',
        'ü@example.com',
      ];
      for (const raw of addresses) {
        const [localPart = '', domain = ''] = raw.split('@');
        const address = { address: raw, localPart, domain };
        const got = numberUuids(await profileXml(service, { emailAddress: raw }));
        const expected = numberUuids(renderer.render({ settings: stored, address }));
        expect(got.xml).toBe(expected.xml);
        // the identifier's hash, and the mail, CalDAV and profile payload UUIDs
        const hash = profileIdentifier(address).slice('automx2-'.length);
        expect(got.uuids).toContain(hash);
        const payloadUuids = got.uuids.filter((uuid) => uuid !== hash);
        expect(payloadUuids).toHaveLength(3);
        for (const uuid of payloadUuids) {
          expect(seen.has(uuid)).toBe(false);
          seen.add(uuid);
        }
      }
    });

    it('renders name and password into the profile', async () => {
      const { service } = setUp(cacheTtlMs);
      await profileXml(service, { emailAddress: 'a@example.com' });
      const xml = await profileXml(service, {
        emailAddress: 'a@example.com',
        name: 'Ann %EMAILLOCALPART%',
        password: 's3cret&',
      });
      expect(xml).toContain('<key>EmailAccountName</key><string>Ann a</string>');
      expect(xml).toContain('<key>IncomingPassword</key><string>s3cret&amp;</string>');
    });

    it('uses the directory uid and cn', async () => {
      const { service } = setUp(cacheTtlMs, { uid: 'jdoe', cn: 'Jo Doe' });
      const xml = await profileXml(service, { emailAddress: 'a@example.com' });
      expect(xml).toContain('<key>IncomingMailServerUsername</key><string>jdoe</string>');
      expect(xml).toContain('<key>EmailAccountName</key><string>Jo Doe</string>');
    });
  });

  it('looks the domain up once while it is cached', async () => {
    const { service, repository } = setUp(60_000);
    for (let i = 0; i < 3; i++) await profileXml(service, { emailAddress: `u${i}@example.com` });
    expect(repository.lookups).toBe(1);
  });
});
