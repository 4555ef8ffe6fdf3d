import { ALICE, autoconfigOf, server, STANDARD } from '../../../test/support/rendered-documents';
import { readK9 } from './k9-reader';

const read = (servers: Parameters<typeof autoconfigOf>[0]) => readK9(autoconfigOf(servers), ALICE);

describe('readK9', () => {
  it('reads the first IMAP and SMTP server, placeholders filled from the typed address', () => {
    expect(read(STANDARD)).toEqual({
      accepted: true,
      summary:
        'IMAP imap.example.org:993 TLS, password, user alice@example.org; ' +
        'SMTP smtp.example.org:587 STARTTLS, password, user alice@example.org',
    });
  });

  it('cannot use a domain with POP only', () => {
    expect(
      read([server({ type: 'pop', port: 143, socketType: 'STARTTLS' }), server({ type: 'smtp' })]),
    ).toEqual({
      accepted: false,
      summary: 'rejects the document: no IMAP server (POP only)',
    });
  });

  it('skips POP next to IMAP', () => {
    const reading = read([server({ type: 'pop' }), ...STANDARD]);
    expect(reading.accepted).toBe(true);
    expect(reading.summary).toMatch(/^IMAP imap\.example\.org:993/);
  });

  it('refuses the whole document for a plain socket on any IMAP or SMTP server', () => {
    const reading = read([
      ...STANDARD,
      server({ type: 'smtp', name: 'relay.example.org', port: 25, socketType: 'plain' }),
    ]);
    expect(reading).toEqual({
      accepted: false,
      summary:
        'rejects the document: SMTP server relay.example.org: socketType "plain" (only SSL or STARTTLS)',
    });
  });

  it('takes an empty user name, which the summary quotes', () => {
    expect(read([server({ type: 'imap', userName: '' }), server({ type: 'smtp' })])).toEqual({
      accepted: true,
      summary:
        'IMAP imap.example.org:993 TLS, password, user ""; ' +
        'SMTP smtp.example.org:587 STARTTLS, password, user alice@example.org',
    });
    const blank = autoconfigOf(STANDARD).replace(
      '<username>%EMAILADDRESS%</username>',
      '<username> </username>',
    );
    expect(readK9(blank, ALICE).summary).toMatch(
      /^IMAP imap\.example\.org:993 TLS, password, user "";/,
    );
  });

  it('refuses a server without a username element', () => {
    const document = autoconfigOf(STANDARD).replace('<username>%EMAILADDRESS%</username>', '');
    expect(readK9(document, ALICE)).toEqual({
      accepted: false,
      summary: 'rejects the document: IMAP server imap.example.org: no username element',
    });
  });

  it('refuses a server without password or OAuth2 authentication, and takes OAuth2', () => {
    expect(
      read([server({ type: 'imap', authentication: 'NTLM' }), server({ type: 'smtp' })]).summary,
    ).toBe(
      'rejects the document: IMAP server imap.example.org: no password or OAuth2 authentication',
    );
    expect(
      read([server({ type: 'imap', authentication: 'oauth2' }), server({ type: 'smtp' })]).summary,
    ).toContain('TLS, OAuth2, user alice@example.org;');
  });

  it('refuses a document without an SMTP server', () => {
    expect(read([server({ type: 'imap' })]).summary).toBe('rejects the document: no SMTP server');
  });

  it('refuses a port outside 1-65535', () => {
    const document = autoconfigOf(STANDARD).replace('<port>993</port>', '<port>0</port>');
    expect(readK9(document, ALICE).summary).toBe(
      'rejects the document: IMAP server imap.example.org: port outside 1-65535',
    );
  });
});
