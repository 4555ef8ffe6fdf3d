import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { ExpectedServer } from './thunderbird-limitations';
import type { ServedResponse, TbSocketType } from './thunderbird-runner';
import { fillPlaceholders, thunderbirdAuthMethod, typedAddress } from './thunderbird-vocabulary';

/**
 * A document Thunderbird ships (isp/<domain>.xml): served to the harness exactly like
 * ours, and read here independently (fast-xml-parser), so that a harness failure shows
 * up on a document Thunderbird itself takes as correct.
 */
export interface ShippedDocument {
  readonly name: string;
  /** An address of the document's domain (the file is named after it). */
  readonly email: string;
  readonly response: ServedResponse;
  readonly incoming: ExpectedServer;
  readonly outgoing: ExpectedServer;
}

type Element = Record<string, unknown>;

const SOCKET_TYPES: Readonly<Record<string, TbSocketType>> = {
  SSL: 'SSL',
  STARTTLS: 'alwaysSTARTTLS',
  plain: 'plain',
};

const first = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value);

function server(element: Element, email: string): ExpectedServer {
  const text = (name: string) => {
    const value = first(element[name]);
    return typeof value === 'string' ? value : '';
  };
  return {
    type: String(element['@_type']),
    hostname: text('hostname').toLowerCase(),
    port: Number(text('port')),
    socketType: SOCKET_TYPES[text('socketType')] ?? 'plain',
    auth: thunderbirdAuthMethod(text('authentication')) ?? 'passwordCleartext',
    username: fillPlaceholders(text('username'), typedAddress(email)),
  };
}

export function readShippedDocument(file: string): ShippedDocument {
  const email = `someone@${basename(file, '.xml')}`;
  const body = readFileSync(file, 'utf8');
  const parsed = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(body) as {
    clientConfig: { emailProvider: Element };
  };
  const provider = parsed.clientConfig.emailProvider;
  return {
    name: basename(file),
    email,
    response: { status: 200, statusText: 'OK', contentType: 'text/xml', body },
    incoming: server(first(provider.incomingServer) as Element, email),
    outgoing: server(first(provider.outgoingServer) as Element, email),
  };
}
