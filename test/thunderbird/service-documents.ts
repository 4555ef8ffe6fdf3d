import { outlookRequestXml } from '../support/fixtures';
import type { DocumentKind, ServedResponse } from './thunderbird-runner';

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Fetches one document from our running service over real HTTP, as Thunderbird asks for
 * it: autoconfig with `emailaddress=` (percent-encoded, so `+` stays `+`), Autodiscover
 * as a POST of the Outlook request with Thunderbird's Content-Type.
 */
export async function fetchDocument(
  baseUrl: string,
  kind: DocumentKind,
  address: string,
): Promise<ServedResponse> {
  const response =
    kind === 'autoconfig'
      ? await fetch(`${baseUrl}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`)
      : await fetch(`${baseUrl}/autodiscover/autodiscover.xml`, {
          method: 'POST',
          headers: { 'Content-Type': 'text/xml; charset=utf-8' },
          body: outlookRequestXml(escapeXml(address)),
        });
  return {
    status: response.status,
    statusText: response.statusText,
    contentType: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}
