import { AccessLogRecord, elapsedMs } from './access-log-record';

const ENTRY = {
  method: 'GET',
  route: '/mail/config-v1.1.xml',
  status: 200,
  ms: 1.25,
  client: '203.0.113.7',
  domain: 'example.com',
};

describe(AccessLogRecord.name, () => {
  it('has the fields method, route, status, ms, client and domain, in that order', () => {
    const fields = new AccessLogRecord(ENTRY).fields();
    expect(Object.keys(fields)).toEqual(['method', 'route', 'status', 'ms', 'client', 'domain']);
    expect(fields).toEqual(ENTRY);
  });

  it('leaves the domain out of a JSON line when the request named none', () => {
    const fields = new AccessLogRecord({ ...ENTRY, domain: undefined }).fields();
    expect(Object.keys(JSON.parse(JSON.stringify(fields)) as object)).not.toContain('domain');
  });

  it('reads as one line: client METHOD route status ms domain=', () => {
    expect(new AccessLogRecord(ENTRY).text()).toBe(
      '203.0.113.7 GET /mail/config-v1.1.xml 200 1.3ms domain=example.com',
    );
    expect(new AccessLogRecord({ ...ENTRY, ms: 0, domain: undefined }).text()).toBe(
      '203.0.113.7 GET /mail/config-v1.1.xml 200 0.0ms',
    );
  });
});

describe('elapsedMs', () => {
  it('rounds to 0.1 ms', () => {
    expect(elapsedMs(100, 101.26)).toBe(1.3);
    expect(elapsedMs(100, 100.04)).toBe(0);
  });
});
