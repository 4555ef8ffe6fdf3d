import { request as httpRequest, type Agent } from 'node:http';
import { outlookRequestXml } from './fixtures';

/**
 * Plain HTTP requests on a keep-alive agent, and the three lookups of one address
 * (autoconfig, Autodiscover, mobileconfig), for the suites that race readers against
 * writers.
 */

export interface Answer {
  readonly status: number;
  readonly body: string;
}

export interface RequestBody {
  readonly type: string;
  readonly text: string;
}

/** One request; rejects when no answer arrives within 20 s. */
export function send(
  base: string,
  method: string,
  path: string,
  agent: Agent,
  body?: RequestBody,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL(path, base),
      {
        method,
        agent,
        timeout: 20_000,
        headers: body === undefined ? {} : { 'Content-Type': body.type },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 20 s`)));
    req.on('error', reject);
    req.end(body?.text);
  });
}

export interface RouteRead {
  /** A short name for reports: `autoconfig`, `autodiscover`, `mobileconfig`. */
  readonly route: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: RequestBody;
}

/** The lookups of every protocol for `address`. */
export function routeReads(address: string): readonly RouteRead[] {
  return [
    { route: 'autoconfig', method: 'GET', path: `/mail/config-v1.1.xml?emailaddress=${address}` },
    {
      route: 'autodiscover',
      method: 'POST',
      path: '/autodiscover/autodiscover.xml',
      body: { type: 'text/xml', text: outlookRequestXml(address) },
    },
    { route: 'mobileconfig', method: 'GET', path: `/mobileconfig/?emailaddress=${address}` },
  ];
}

export function sendRead(base: string, read: RouteRead, agent: Agent): Promise<Answer> {
  return send(base, read.method, read.path, agent, read.body);
}

/**
 * A document without what changes from one load (or request) to the next: row ids,
 * random UUIDs.
 */
export const comparable = (body: string): string =>
  body
    .replace(/automx2-\d+/g, 'automx2-ID')
    .replace(/[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi, 'UUID');
