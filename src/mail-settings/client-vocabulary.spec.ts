import {
  appleAuthentication,
  authenticationOf,
  isEncrypted,
  mozillaAuthentication,
  mozillaSocketType,
  outlookSecurity,
  socketTypeOf,
} from './client-vocabulary';

describe(socketTypeOf.name, () => {
  it.each([
    ['SSL', 'SSL'],
    ['ssl', 'SSL'],
    [' Ssl ', 'SSL'],
    ['STARTTLS', 'STARTTLS'],
    ['StartTLS', 'STARTTLS'],
    ['Auto', 'Auto'],
    ['AUTO', 'Auto'],
    ['None', 'None'],
    ['none', 'None'],
    ['plain', 'None'],
    ['PLAIN', 'None'],
    ['tls', undefined],
    ['', undefined],
  ])('reads %p as %p', (stored, expected) => {
    expect(socketTypeOf(stored)).toBe(expected);
  });
});

describe(isEncrypted.name, () => {
  it.each([
    ['SSL', true],
    ['starttls', true],
    ['auto', true],
    ['INVALID', true],
    ['', true],
    ['None', false],
    ['plain', false],
    ['Plain', false],
  ])('%p → %p', (stored, expected) => {
    expect(isEncrypted(stored)).toBe(expected);
  });
});

describe(authenticationOf.name, () => {
  it.each([
    ['plain', 'password-cleartext'],
    ['PLAIN', 'password-cleartext'],
    ['Password-Cleartext', 'password-cleartext'],
    ['secure', 'password-encrypted'],
    ['password-encrypted', 'password-encrypted'],
    ['ntlm', 'NTLM'],
    ['GSSAPI', 'GSSAPI'],
    ['client-ip-address', 'client-IP-address'],
    ['tls-client-cert', 'TLS-client-cert'],
    ['oauth2', 'OAuth2'],
    ['OAUTH2', 'OAuth2'],
    ['None', 'none'],
    ['kerberos', undefined],
    ['', undefined],
  ])('reads %p as %p', (stored, expected) => {
    expect(authenticationOf(stored)).toBe(expected);
  });
});

describe(mozillaSocketType.name, () => {
  it.each([
    ['SSL', 'SSL'],
    ['ssl', 'SSL'],
    ['STARTTLS', 'STARTTLS'],
    ['sTaRtTlS', 'STARTTLS'],
    ['Auto', 'STARTTLS'],
    ['None', 'plain'],
    ['plain', 'plain'],
    ['NONE', 'plain'],
    ['tls', 'tls'],
    ['', ''],
  ])('maps %p to %p', (stored, expected) => {
    expect(mozillaSocketType(stored)).toBe(expected);
  });
});

describe(mozillaAuthentication.name, () => {
  it.each([
    ['plain', 'password-cleartext'],
    ['SECURE', 'password-encrypted'],
    ['password-encrypted', 'password-encrypted'],
    ['oauth2', 'OAuth2'],
    ['ntlm', 'NTLM'],
    ['NONE', 'none'],
    ['kerberos', 'kerberos'],
    ['', ''],
  ])('maps %p to %p', (stored, expected) => {
    expect(mozillaAuthentication(stored)).toBe(expected);
  });
});

describe(outlookSecurity.name, () => {
  it.each([
    ['SSL', 'plain', { ssl: 'on', encryption: 'SSL', spa: 'off' }],
    ['STARTTLS', 'plain', { ssl: 'on', encryption: 'TLS', spa: 'off' }],
    ['starttls', 'PLAIN', { ssl: 'on', encryption: 'TLS', spa: 'off' }],
    ['Auto', 'plain', { ssl: 'on', encryption: 'Auto', spa: 'off' }],
    ['None', 'plain', { ssl: 'off', encryption: 'None', spa: 'off' }],
    ['plain', 'plain', { ssl: 'off', encryption: 'None', spa: 'off' }],
    ['INVALID', 'plain', { ssl: 'on', encryption: undefined, spa: 'off' }],
    ['SSL', 'NTLM', { ssl: 'on', encryption: 'SSL', spa: 'on' }],
    ['SSL', 'gssapi', { ssl: 'on', encryption: 'SSL', spa: 'on' }],
    ['SSL', 'secure', { ssl: 'on', encryption: 'SSL', spa: 'off' }],
    ['SSL', 'OAuth2', { ssl: 'on', encryption: 'SSL', spa: 'off' }],
  ])('socket %p, authentication %p → %p', (socketType, authentication, expected) => {
    expect(outlookSecurity(socketType, authentication)).toEqual(expected);
  });
});

describe(appleAuthentication.name, () => {
  it.each([
    ['plain', 'EmailAuthPassword'],
    ['Password-Cleartext', 'EmailAuthPassword'],
    ['secure', 'EmailAuthCRAMMD5'],
    ['password-encrypted', 'EmailAuthCRAMMD5'],
    ['ntlm', 'EmailAuthNTLM'],
    ['none', 'EmailAuthNone'],
    ['client-IP-address', 'EmailAuthNone'],
    ['OAuth2', undefined],
    ['GSSAPI', undefined],
    ['TLS-client-cert', undefined],
    ['bogus', undefined],
  ])('maps %p to %p', (stored, expected) => {
    expect(appleAuthentication(stored)).toBe(expected);
  });
});
