/**
 * The host names Thunderbird's OAuth2Providers module knows (kHostnames of 140 and 153
 * ESR; a name listed in only one of them is left out, since that version then fails).
 * Thunderbird looks a server's host up as written, then each parent domain in turn
 * (`imap.gmail.com` → `gmail.com`), case-sensitively; the testing-only `.test` hosts
 * are not listed. test/thunderbird/oauth2-hosts.conformance-spec.ts compares this list
 * with the cached Thunderbird modules.
 */
export const THUNDERBIRD_OAUTH2_HOSTS: ReadonlySet<string> = new Set([
  'googlemail.com',
  'gmail.com',
  'www.googleapis.com',
  'apidata.googleusercontent.com',
  'imap.mail.ru',
  'smtp.mail.ru',
  'imap.yandex.com',
  'smtp.yandex.com',
  'yahoo.com',
  'att.net',
  'imap.aol.com',
  'pop.aol.com',
  'smtp.aol.com',
  'office365.com',
  'outlook.com',
  'hotmail.com',
  'imap.fastmail.com',
  'pop.fastmail.com',
  'smtp.fastmail.com',
  'carddav.fastmail.com',
  'caldav.fastmail.com',
  'imap.comcast.net',
  'pop.comcast.net',
  'smtp.comcast.net',
  'thundermail.com',
  'stage-thundermail.com',
]);

/** Whether Thunderbird has an OAuth2 provider for this host (or one of its parent domains). */
export function thunderbirdKnowsOAuth2Host(hostname: string): boolean {
  let name = hostname;
  while (name.includes('.')) {
    if (THUNDERBIRD_OAUTH2_HOSTS.has(name)) return true;
    name = name.slice(name.indexOf('.') + 1);
  }
  return false;
}
