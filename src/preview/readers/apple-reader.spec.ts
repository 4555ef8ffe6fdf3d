import { profileOf, server, STANDARD } from '../../../test/support/rendered-documents';
import { readApple } from './apple-reader';

describe('readApple', () => {
  it('reads the mail payload; UseSSL is SSL/TLS for implicit TLS and STARTTLS alike', () => {
    expect(readApple(profileOf(STANDARD))).toEqual({
      accepted: true,
      summary:
        'IMAP imap.example.org:993 SSL/TLS (UseSSL), password, user alice@example.org; ' +
        'SMTP smtp.example.org:587 SSL/TLS (UseSSL), password, user alice@example.org',
    });
  });

  it('prefers an encrypted IMAP server, says POP3, none and CRAM-MD5', () => {
    expect(
      readApple(
        profileOf([
          server({ type: 'pop', port: 110, socketType: 'plain', userName: '%EMAILLOCALPART%' }),
          server({ type: 'smtp', authentication: 'secure' }),
        ]),
      ).summary,
    ).toBe(
      'POP3 pop.example.org:110 none, password, user alice; ' +
        'SMTP smtp.example.org:587 SSL/TLS (UseSSL), encrypted password (CRAM-MD5), user alice@example.org',
    );
  });

  it('asks for the user name when the profile has none', () => {
    expect(
      readApple(profileOf([server({ type: 'imap', userName: '' }), server({ type: 'smtp' })]))
        .summary,
    ).toMatch(
      /^IMAP imap\.example\.org:993 SSL\/TLS \(UseSSL\), password, asks for the user name;/,
    );
  });

  it('refuses what is not a profile', () => {
    expect(readApple('')).toEqual({
      accepted: false,
      summary: 'rejects the document: not a property list',
    });
    expect(readApple('<clientConfig/>').accepted).toBe(false);
  });
});
