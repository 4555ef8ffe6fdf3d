import { clientErrorAnswer, clientErrorResponse, isMalformedPath } from './client-errors';

describe(clientErrorAnswer.name, () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408],
    ['HPE_INVALID_METHOD', 400],
    ['HPE_INVALID_HEADER_TOKEN', 400],
    [undefined, 400],
  ])('%p → %p', (code, status) => {
    expect(clientErrorAnswer(code).status).toBe(status);
  });
});

describe(clientErrorResponse.name, () => {
  it('is a complete short text/plain response that closes the connection', () => {
    expect(clientErrorResponse('HPE_INVALID_METHOD')).toBe(
      'HTTP/1.1 400 Bad Request\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\n' +
        'Content-Length: 11\r\n' +
        'Connection: close\r\n\r\n' +
        'Bad request',
    );
  });
});

describe(isMalformedPath.name, () => {
  it.each([
    ['/mobileconfig/%?emailaddress=a@example.com&password=secret', true],
    ['/mobileconfig/%zz', true],
    ['/x/%C3%28', true],
    ['/mobileconfig/?emailaddress=%', false],
    ['/mail/config-v1.1.xml?emailaddress=a%40example.com', false],
    ['/autodiscover/autodiscover.json/v1.0/a%40b%C3%BC.example', false],
    ['/', false],
  ])('%p → %p', (url, malformed) => {
    expect(isMalformedPath(url)).toBe(malformed);
  });
});
