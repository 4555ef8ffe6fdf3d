import { IMAP, POP3, SMTP } from './mail-dialects';

describe('mail dialects', () => {
  it('IMAP: greeting, STARTTLS in the greeting or in CAPABILITY, tagged completion', () => {
    expect(IMAP.greetingOk(['* OK [CAPABILITY IMAP4rev1 STARTTLS] ready'])).toBe(true);
    expect(IMAP.greetingOk(['* PREAUTH welcome'])).toBe(true);
    expect(IMAP.greetingOk(['* BYE too many connections'])).toBe(false);
    expect(IMAP.greetingOk(['+OK POP3 ready'])).toBe(false);
    expect(IMAP.offersStartTls(['* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready'])).toBe(
      true,
    );
    expect(IMAP.offersStartTls(['* OK ready', '* CAPABILITY IMAP4rev1 starttls', 'D1 OK'])).toBe(
      true,
    );
    expect(IMAP.offersStartTls(['* OK ready', '* CAPABILITY IMAP4rev1 AUTH=PLAIN', 'D1 OK'])).toBe(
      false,
    );
    // A word that merely contains STARTTLS is not the capability.
    expect(IMAP.offersStartTls(['* CAPABILITY IMAP4rev1 XSTARTTLSX'])).toBe(false);
    expect(IMAP.capabilityComplete(['* CAPABILITY IMAP4rev1'])).toBe(false);
    expect(IMAP.capabilityComplete(['* CAPABILITY IMAP4rev1', 'D1 OK done'])).toBe(true);
    expect(IMAP.startTlsOk(['D2 OK Begin TLS negotiation now'])).toBe(true);
    expect(IMAP.startTlsOk(['D2 BAD not now'])).toBe(false);
  });

  it('POP3: +OK greeting, CAPA list ending with a dot, or -ERR', () => {
    expect(POP3.greetingOk(['+OK Dovecot ready.'])).toBe(true);
    expect(POP3.greetingOk(['-ERR go away'])).toBe(false);
    expect(POP3.capabilityComplete(['+OK', 'TOP', 'STLS'])).toBe(false);
    expect(POP3.capabilityComplete(['+OK', 'TOP', 'STLS', '.'])).toBe(true);
    expect(POP3.capabilityComplete(['-ERR unknown command'])).toBe(true);
    expect(POP3.offersStartTls(['+OK', 'TOP', 'STLS', '.'])).toBe(true);
    expect(POP3.offersStartTls(['+OK', 'TOP', 'USER', '.'])).toBe(false);
  });

  it('SMTP: multi-line 220 greeting, EHLO keywords, completion on "NNN "', () => {
    expect(SMTP.greetingComplete(['220-mail.example.org ESMTP'])).toBe(false);
    expect(SMTP.greetingComplete(['220-mail.example.org ESMTP', '220 ready'])).toBe(true);
    expect(SMTP.greetingOk(['220-mail.example.org ESMTP', '220 ready'])).toBe(true);
    expect(SMTP.greetingOk(['554 no service'])).toBe(false);
    const ehlo = ['250-mail.example.org', '250-PIPELINING', '250-STARTTLS', '250 8BITMIME'];
    expect(SMTP.capabilityComplete(ehlo.slice(0, 3))).toBe(false);
    expect(SMTP.capabilityComplete(ehlo)).toBe(true);
    expect(SMTP.offersStartTls(ehlo)).toBe(true);
    expect(SMTP.offersStartTls(['250-mail.example.org', '250 AUTH PLAIN'])).toBe(false);
    expect(SMTP.offersStartTls(['250 STARTTLS'])).toBe(true);
    expect(SMTP.startTlsOk(['220 2.0.0 Ready to start TLS'])).toBe(true);
    expect(SMTP.startTlsOk(['454 TLS not available'])).toBe(false);
  });
});
