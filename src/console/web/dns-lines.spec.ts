import { recordLines } from './dns-lines';

describe('recordLines', () => {
  it('keeps the record lines with their name and type, not the comments', () => {
    const lines = [
      '; DNS records for example.org (provider "Example"), from the automx2-nest database',
      '_imaps._tcp.example.org. 3600 IN SRV 0 1 993 imap.example.org.',
      '_pop3._tcp.example.org. 3600 IN SRV 0 0 0 .',
      '_caldavs._tcp.example.org. 3600 IN TXT "path=/dav/"',
      '; autoconfig.example.org. 3600 IN CNAME HOST.',
      'autoconfig.example.org. 3600 IN CNAME automx.example.net.',
      '',
    ];
    expect(recordLines(lines).map(({ name, type }) => `${name} ${type}`)).toEqual([
      '_imaps._tcp.example.org. SRV',
      '_pop3._tcp.example.org. SRV',
      '_caldavs._tcp.example.org. TXT',
      'autoconfig.example.org. CNAME',
    ]);
    expect(recordLines(lines)[0]?.line).toBe(lines[1]);
  });
});
