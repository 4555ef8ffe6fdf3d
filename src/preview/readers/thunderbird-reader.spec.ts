import { ALICE, autoconfigOf, server, STANDARD } from '../../../test/support/rendered-documents';
import { readThunderbird } from './thunderbird-reader';

const read = (servers: Parameters<typeof autoconfigOf>[0]) =>
  readThunderbird(autoconfigOf(servers), ALICE);

describe('readThunderbird', () => {
  it('reads the first incoming and outgoing server, placeholders filled', () => {
    expect(read(STANDARD)).toEqual({
      accepted: true,
      summary:
        'IMAP imap.example.org:993 TLS, password, user alice@example.org; ' +
        'SMTP smtp.example.org:587 STARTTLS, password, user alice@example.org',
    });
  });

  it('says none for a plain socket, and reads POP3 and the other placeholders', () => {
    const reading = read([
      server({ type: 'pop', port: 110, socketType: 'plain', userName: '%EMAILLOCALPART%' }),
      server({ type: 'smtp', port: 25, socketType: 'None', userName: '%EMAILDOMAIN%' }),
    ]);
    expect(reading.summary).toBe(
      'POP3 pop.example.org:110 none, password, user alice; ' +
        'SMTP smtp.example.org:25 none, password, user example.org',
    );
  });

  it('takes the first server of each kind in the order given', () => {
    const reading = read([
      server({ type: 'imap', name: 'first.example.org' }),
      server({ type: 'imap', name: 'second.example.org' }),
      server({ type: 'smtp' }),
    ]);
    expect(reading.summary).toMatch(/^IMAP first\.example\.org:993 /);
  });

  it('reads OAuth2 on a host Thunderbird has a provider for, and an encrypted password', () => {
    const reading = read([
      server({ type: 'imap', name: 'imap.gmail.com', authentication: 'OAuth2' }),
      server({ type: 'smtp', authentication: 'secure' }),
    ]);
    expect(reading.summary).toMatch(/^IMAP imap\.gmail\.com:993 TLS, OAuth2, user/);
    expect(reading.summary).toContain('STARTTLS, encrypted password, user');
  });

  it('skips a server with OAuth2 on a host Thunderbird has no provider for', () => {
    const reading = read([
      server({ type: 'imap', name: 'oauth.example.org', authentication: 'OAuth2' }),
      server({ type: 'imap', name: 'password.example.org' }),
      server({ type: 'smtp', name: 'oauth-smtp.example.org', authentication: 'OAuth2' }),
      server({ type: 'smtp', name: 'SMTP.GMAIL.COM', authentication: 'OAuth2' }),
    ]);
    expect(reading).toEqual({
      accepted: true,
      summary:
        'IMAP password.example.org:993 TLS, password, user alice@example.org; ' +
        'SMTP smtp.gmail.com:587 STARTTLS, OAuth2, user alice@example.org',
    });
  });

  it('refuses the document when OAuth2 without a provider leaves no server of a direction', () => {
    expect(
      read([server({ type: 'imap' }), server({ type: 'smtp', authentication: 'OAuth2' })]),
    ).toEqual({
      accepted: false,
      summary:
        'rejects the document: no usable SMTP server (smtp.example.org: OAuth2, and ' +
        'Thunderbird has no OAuth2 provider for this host)',
    });
  });

  it('takes the next authentication of a server when OAuth2 has no provider', () => {
    const document = autoconfigOf(STANDARD).replace(
      '<authentication>password-cleartext</authentication>',
      '<authentication>OAuth2</authentication><authentication>password-cleartext</authentication>',
    );
    expect(readThunderbird(document, ALICE).summary).toMatch(
      /^IMAP imap\.example\.org:993 TLS, password, user/,
    );
  });

  it('reports the problem of the last server when none of a direction is usable', () => {
    expect(
      read([
        server({ type: 'imap', name: 'first.example.org', socketType: 'TLSv1' }),
        server({ type: 'imap', name: 'last.example.org', authentication: 'OAuth2' }),
        server({ type: 'smtp' }),
      ]).summary,
    ).toBe(
      'rejects the document: no usable incoming server (last.example.org: OAuth2, and ' +
        'Thunderbird has no OAuth2 provider for this host)',
    );
  });

  it('refuses a document without an SMTP server', () => {
    expect(read([server({ type: 'imap' })])).toEqual({
      accepted: false,
      summary: 'rejects the document: no usable SMTP server (there is none)',
    });
  });

  it('refuses a document without an incoming server', () => {
    expect(read([server({ type: 'smtp' })]).summary).toBe(
      'rejects the document: no usable incoming server (there is none)',
    );
  });

  it('skips a server with a socket type it does not know and takes the next', () => {
    const reading = read([
      server({ type: 'imap', name: 'odd.example.org', socketType: 'TLSv1' }),
      server({ type: 'imap', name: 'good.example.org' }),
      server({ type: 'smtp' }),
    ]);
    expect(reading.accepted).toBe(true);
    expect(reading.summary).toMatch(/^IMAP good\.example\.org:993 TLS/);
    expect(read([server({ type: 'imap', socketType: 'TLSv1' }), server({ type: 'smtp' })])).toEqual(
      {
        accepted: false,
        summary:
          'rejects the document: no usable incoming server (imap.example.org: no socketType it knows)',
      },
    );
  });

  it('reads user names through JXON: empty is "true", blank "NaN", leading zeros go', () => {
    const userOf = (userName: string) =>
      read([server({ type: 'imap', userName }), server({ type: 'smtp' })]).summary;
    expect(userOf('')).toMatch(/^IMAP imap\.example\.org:993 TLS, password, user true;/);
    expect(userOf('  ')).toMatch(/, user NaN;/);
    expect(userOf('007')).toMatch(/, user 7;/);
  });

  it('reads the port and host name as Thunderbird sanitizes them', () => {
    const document = autoconfigOf(STANDARD)
      .replace('<port>993</port>', '<port>993.9</port>')
      .replace('<hostname>imap.example.org</hostname>', '<hostname> IMAP.Example.ORG </hostname>');
    expect(readThunderbird(document, ALICE).summary).toMatch(/^IMAP imap\.example\.org:993 TLS/);
    const blankHost = autoconfigOf(STANDARD).replace(
      '<hostname>imap.example.org</hostname>',
      '<hostname> </hostname>',
    );
    expect(readThunderbird(blankHost, ALICE).summary).toBe(
      'rejects the document: no usable incoming server (no hostname)',
    );
  });

  it('refuses what is not a clientConfig document', () => {
    expect(readThunderbird('', ALICE).accepted).toBe(false);
    expect(readThunderbird('<other/>', ALICE).summary).toBe(
      'rejects the document: not a clientConfig document',
    );
  });
});
