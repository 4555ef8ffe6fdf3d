import { ALICE, autodiscoverOf, server, STANDARD } from '../../../test/support/rendered-documents';
import { readOutlook } from './outlook-reader';

const read = (servers: Parameters<typeof autodiscoverOf>[0]) =>
  readOutlook(autodiscoverOf(servers), ALICE);

describe('readOutlook', () => {
  it('reads Encryption (SSL = TLS, TLS = STARTTLS) and the login name', () => {
    expect(read(STANDARD)).toEqual({
      accepted: true,
      summary:
        'IMAP imap.example.org:993 TLS, password, user alice@example.org; ' +
        'SMTP smtp.example.org:587 STARTTLS, password, user alice@example.org',
    });
  });

  it('reads POP3, no encryption, SPA and the address for an empty login name', () => {
    const reading = read([
      server({ type: 'pop', port: 110, socketType: 'None', userName: '' }),
      server({ type: 'smtp', authentication: 'NTLM', userName: '%EMAILLOCALPART%' }),
    ]);
    expect(reading.summary).toBe(
      'POP3 pop.example.org:110 none, password, user alice@example.org; ' +
        'SMTP smtp.example.org:587 STARTTLS, SPA (NTLM or Kerberos), user alice',
    );
  });

  it('has no account without an SMTP server or without an incoming one', () => {
    expect(read([server({ type: 'imap' })])).toEqual({
      accepted: false,
      summary: 'rejects the document: no SMTP server',
    });
    expect(read([server({ type: 'smtp' })]).summary).toBe(
      'rejects the document: no IMAP or POP3 server',
    );
  });

  it('refuses what is not an Autodiscover answer', () => {
    expect(readOutlook('<clientConfig/>', ALICE).accepted).toBe(false);
  });
});
