import { sharedEtag, type DomainView, type ServerView, type WithUsage } from '../admin-store';
import { etagOf } from '../etag';
import {
  AdminAnswer,
  documentAnswer,
  domainAnswer,
  domainPutAnswer,
  importAnswer,
  NO_CONTENT,
  pageAnswer,
  sharedAnswer,
} from './views';

const server: ServerView = {
  id: 4,
  type: 'imap',
  name: 'imap.example.com',
  port: 993,
  socket_type: 'SSL',
  user_name: '%EMAILADDRESS%',
  authentication: 'plain',
  prio: 10,
};

const domain: DomainView = {
  name: 'bücher.example',
  provider: { id: 1, name: 'Example Inc.', short_name: 'Example' },
  ldapserver: null,
  servers: [server],
  davservers: [],
};

describe(pageAnswer.name, () => {
  it('answers items and next_cursor (null on the last page)', () => {
    const items = [{ name: 'a.example', provider: 'P' }];
    expect(JSON.parse(pageAnswer({ items, nextCursor: 'c1' }).body ?? '')).toEqual({
      items,
      next_cursor: 'c1',
    });
    const last = pageAnswer({ items: [], nextCursor: null });
    expect(last.body).toBe('{"items":[],"next_cursor":null}');
    expect(last.status).toBe(200);
    expect(last.headers).toEqual({});
  });
});

describe(domainAnswer.name, () => {
  it('answers the view with the ETag of exactly that view', () => {
    const answer = domainAnswer(domain);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body ?? '')).toEqual(domain);
    expect(answer.headers).toEqual({ ETag: etagOf(domain) });
    expect(answer.headers.ETag).toMatch(/^"[\w-]+"$/);
  });

  it('gives another ETag when a shared row of the domain changed', () => {
    const changed = { ...domain, servers: [{ ...server, port: 143 }] };
    expect(domainAnswer(changed).headers.ETag).not.toBe(domainAnswer(domain).headers.ETag);
  });
});

describe(domainPutAnswer.name, () => {
  it('answers 201 with the stored name percent-encoded in Location when created', () => {
    const answer = domainPutAnswer({ created: true, view: domain });
    expect(answer.status).toBe(201);
    expect(answer.headers).toEqual({
      ETag: etagOf(domain),
      Location: '/admin/api/v1/domains/b%C3%BCcher.example',
    });
    expect(JSON.parse(answer.body ?? '')).toEqual(domain);
  });

  it('encodes what a path segment cannot hold', () => {
    const odd = { ...domain, name: 'a/b?c#d e' };
    expect(domainPutAnswer({ created: true, view: odd }).headers.Location).toBe(
      '/admin/api/v1/domains/a%2Fb%3Fc%23d%20e',
    );
  });

  it('answers 200 without Location when replaced', () => {
    const answer = domainPutAnswer({ created: false, view: domain });
    expect(answer.status).toBe(200);
    expect(answer.headers).toEqual({ ETag: etagOf(domain) });
  });
});

describe(sharedAnswer.name, () => {
  const usage: WithUsage<ServerView> = { ...server, domain_count: 5000 };

  it('answers the row with its domain_count, tagged without the count', () => {
    const answer = sharedAnswer(usage);
    expect(JSON.parse(answer.body ?? '')).toEqual(usage);
    expect(answer.headers).toEqual({ ETag: sharedEtag(usage) });
    expect(sharedAnswer({ ...usage, domain_count: 1 }).headers.ETag).toBe(answer.headers.ETag);
    expect(sharedAnswer({ ...usage, port: 1 }).headers.ETag).not.toBe(answer.headers.ETag);
  });
});

describe('other answers', () => {
  it('DELETE is 204 without a body', () => {
    expect(NO_CONTENT).toEqual(new AdminAnswer(204, undefined, {}));
  });

  it('import answers its summary, openapi.json its text as it is', () => {
    const summary = { mode: 'replace', domains: 2 };
    expect(importAnswer(summary)).toEqual(new AdminAnswer(200, JSON.stringify(summary)));
    expect(documentAnswer('{"openapi":"3.0.0"}').body).toBe('{"openapi":"3.0.0"}');
  });
});
