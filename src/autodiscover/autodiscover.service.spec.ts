import { exampleSettings, EXAMPLE_LDAP, fakeMailbox } from '../../test/support/fake-mailbox';
import { DomainError } from '../common/domain-error';
import type { DomainSettings, LdapServer } from '../mail-settings/domain-settings';
import type { DirectoryEntry } from '../mail-settings/mailbox';
import {
  MOBILESYNC_REQUEST_NS,
  MOBILESYNC_RESPONSE_NS,
  OUTLOOK_REQUEST_NS,
} from './autodiscover-namespaces';
import { AutodiscoverRenderer } from './autodiscover.renderer';
import { AutodiscoverService } from './autodiscover.service';

function settings(domainName: string, ldapServer: LdapServer | null = null): DomainSettings {
  return exampleSettings({ domainName, ldapServer });
}

function outlookBody(address: string): Buffer {
  return Buffer.from(
    `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request><EMailAddress>${address}</EMailAddress></Request></Autodiscover>`,
  );
}

function mobilesyncBody(address: string | null): Buffer {
  const element = address === null ? '' : `<EMailAddress>${address}</EMailAddress>`;
  return Buffer.from(
    `<Autodiscover xmlns="${MOBILESYNC_REQUEST_NS}"><Request>${element}` +
      `<AcceptableResponseSchema>${MOBILESYNC_RESPONSE_NS}</AcceptableResponseSchema>` +
      '</Request></Autodiscover>',
  );
}

function setUp(directory: DirectoryEntry | null = null, cacheTtlMs = 0) {
  const { repository, resolver, cache } = fakeMailbox({
    domains: {
      'example.com': settings('example.com'),
      'ldap.example': settings('ldap.example', EXAMPLE_LDAP),
    },
    directory,
    cacheTtlMs,
  });
  const service = new AutodiscoverService(resolver, new AutodiscoverRenderer(), cache);
  return { repository, service };
}

async function errorOf(promise: Promise<unknown>): Promise<DomainError> {
  const error: unknown = await promise.then(
    () => new Error('expected a DomainError'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe(AutodiscoverService.name, () => {
  describe('document: content type', () => {
    it.each(['', 'application/json', 'text/plain', 'application/soap+xml', 'xml'])(
      'refuses media type %j before reading the body',
      async (mediaType) => {
        const { service, repository } = setUp();
        const error = await errorOf(service.document({ mediaType, body: Buffer.from('\xff<') }));
        expect(error.code).toBe('UNEXPECTED_CONTENT_TYPE');
        expect(error.message).toBe('Unexpected content type');
        expect(repository.lookups).toBe(0);
      },
    );

    it.each(['application/xml', 'text/xml'])('reads %s', async (mediaType) => {
      const { service } = setUp();
      const xml = await service.document({ mediaType, body: outlookBody('a@example.com') });
      expect(xml).toContain('<Server>imap.example.com</Server>');
    });
  });

  describe('document: Outlook schema', () => {
    const post = (body: Buffer) => ({ mediaType: 'text/xml', body });

    it('renders the settings with placeholders expanded for the normalised address', async () => {
      const { service } = setUp();
      const xml = await service.document(post(outlookBody('  Jo Doe@EXAMPLE.com\n')));
      expect(xml).toContain('<LoginName>Jo+Doe@EXAMPLE.com</LoginName>');
      expect(xml).toContain('<LoginName>Jo+Doe</LoginName>');
    });

    it('tells onAddress the EMailAddress it read, once', async () => {
      const { service } = setUp();
      const seen: string[] = [];
      await service.document({
        ...post(outlookBody('jo@example.com')),
        onAddress: (address) => seen.push(address),
      });
      expect(seen).toEqual(['jo@example.com']);
    });

    it('gives each address its own answer from the per-domain template (cache on)', async () => {
      const { service, repository } = setUp(null, 60_000);
      const renderer = new AutodiscoverRenderer();
      const expected = settings('example.com');
      for (const address of [
        'a@example.com',
        'Bee.Sea@EXAMPLE.com',
        'a@example.com',
        'x&y<z>@example.com',
        'ü@example.com',
      ]) {
        const xml = await service.document(
          post(
            outlookBody(address.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')),
          ),
        );
        const [localPart = '', domain = ''] = address.split('@');
        expect(xml).toBe(renderer.renderOutlook(expected, { address, localPart, domain }));
      }
      expect(repository.lookups).toBe(1);
    });

    it('adds the directory cn and uid', async () => {
      const { service } = setUp({ uid: 'jdoe', cn: 'Jo Doe' });
      const xml = await service.document(post(outlookBody('jo@ldap.example')));
      expect(xml).toContain('<User><DisplayName>Jo Doe</DisplayName></User>');
      expect(xml).toContain('<LoginName>jdoe</LoginName>');
    });

    it('adds the directory cn and uid with the cache on', async () => {
      const { service } = setUp({ uid: 'jdoe', cn: 'Jo Doe' }, 60_000);
      for (const address of ['jo@ldap.example', 'jo@ldap.example']) {
        const xml = await service.document(post(outlookBody(address)));
        expect(xml).toContain('<LoginName>jdoe</LoginName>');
      }
    });

    it('passes "no directory entry" on', async () => {
      const { service } = setUp(null);
      const error = await errorOf(service.document(post(outlookBody('jo@ldap.example'))));
      expect(error.code).toBe('NO_DIRECTORY_ENTRY');
    });

    it('reports an unknown domain', async () => {
      const { service } = setUp();
      const error = await errorOf(service.document(post(outlookBody('a@unknown.example'))));
      expect(error.code).toBe('UNKNOWN_DOMAIN');
    });

    it('names EMailAddress when it is missing or empty', async () => {
      const { service } = setUp();
      for (const body of [outlookBody(''), Buffer.from('<ham/>')]) {
        const error = await errorOf(service.document(post(body)));
        expect(error.code).toBe('MISSING_ARGUMENT');
        expect(error.message).toBe('Missing request argument "EMailAddress"');
      }
    });

    it('refuses an address that is not local@domain', async () => {
      const { service } = setUp();
      const error = await errorOf(service.document(post(outlookBody('a@b@example.com'))));
      expect(error.code).toBe('INVALID_ADDRESS');
    });

    it('refuses a malformed body', async () => {
      const { service } = setUp();
      const error = await errorOf(service.document(post(Buffer.from('<a>'))));
      expect(error.code).toBe('MALFORMED_BODY');
    });
  });

  describe('document: mobilesync schema', () => {
    const post = (body: Buffer) => ({ mediaType: 'application/xml', body });

    it.each(['a@example.com', 'a@unknown.example', 'a@ldap.example'])(
      'answers 601 for %s without a lookup',
      async (address) => {
        const { service, repository } = setUp();
        const xml = await service.document(post(mobilesyncBody(address)));
        expect(xml).toContain('<ErrorCode>601</ErrorCode>');
        expect(xml).toContain(`<User><EMailAddress>${address}</EMailAddress></User>`);
        expect(repository.lookups).toBe(0);
      },
    );

    it('puts the normalised address into the 601 document', async () => {
      const { service } = setUp();
      const xml = await service.document(post(mobilesyncBody('\n a b@Example.COM ')));
      expect(xml).toContain('<EMailAddress>a+b@Example.COM</EMailAddress>');
    });

    it.each([
      ['a missing address', null],
      ['an empty address', ''],
      ['an invalid address', 'not-an-address'],
      ['an address with control characters', 'a&#x85;b@example.com'],
    ])('answers 600 without User for %s', async (_name, address) => {
      const { service } = setUp();
      const xml = await service.document(post(mobilesyncBody(address)));
      expect(xml).toContain('<ErrorCode>600</ErrorCode>');
      expect(xml).not.toContain('<User>');
    });
  });
});
