import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  OUTLOOK_REQUEST_NS,
  OUTLOOK_RESPONSE_NS,
} from '../../src/autodiscover/autodiscover-namespaces';

/** The seeding document of the spec (test/fixtures/seed-example.json), as text. */
export const SEED_EXAMPLE_JSON = readFileSync(
  join(__dirname, '..', 'fixtures', 'seed-example.json'),
  'utf8',
);

/**
 * An Outlook-schema Autodiscover POX request (no XML declaration) for an address
 * written into the XML as given.
 */
export function outlookRequestXml(addressXml: string): string {
  return (
    `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request>` +
    `<EMailAddress>${addressXml}</EMailAddress>` +
    `<AcceptableResponseSchema>${OUTLOOK_RESPONSE_NS}</AcceptableResponseSchema>` +
    '</Request></Autodiscover>'
  );
}
