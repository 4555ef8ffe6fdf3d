import { UsageError } from '../bootstrap/cli-args';
import type { DoctorConfig } from '../config/app-config';
import { liveOptions, parseDoctorArgs } from './doctor.command';

/** The usage error's message for these arguments. */
function refusal(argv: readonly string[]): string {
  try {
    parseDoctorArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

const CONFIG: DoctorConfig = {
  dnsServers: ['192.0.2.53'],
  caFile: '/etc/ssl/internal-ca.pem',
  httpsPort: 443,
  timeoutMs: 3000,
};

describe(parseDoctorArgs.name, () => {
  it('examines every domain, stored data only, as text by default', () => {
    expect(parseDoctorArgs([])).toEqual({ domains: [], live: false, json: false, overrides: {} });
  });

  it('takes domains in order, without a trailing dot or repeats', () => {
    expect(
      parseDoctorArgs(['example.org', 'example.com.', ' example.org ', '--json']),
    ).toMatchObject({ domains: ['example.org', 'example.com'], json: true });
  });

  it('reads every live-check flag, --dns-server repeated or as a list', () => {
    const args = parseDoctorArgs([
      'example.org',
      '--live',
      '--dns-server',
      '127.0.0.1:5353',
      '--dns-server=[::1]:53, 192.0.2.1',
      '--ca-file',
      __filename,
      '--https-port',
      '8443',
      '--timeout',
      '0.5',
    ]);
    expect(args).toEqual({
      domains: ['example.org'],
      live: true,
      json: false,
      overrides: {
        dnsServers: ['127.0.0.1:5353', '[::1]:53', '192.0.2.1'],
        caFile: __filename,
        httpsPort: 8443,
        timeoutMs: 500,
      },
    });
  });

  it.each([
    [['--verbose'], 'doctor: Unknown option'],
    [['--json=yes'], 'doctor: Option'],
    [[''], 'doctor: a domain is empty'],
    [['.'], 'doctor: a domain is empty'],
    [['--live', '--dns-server', 'dns.example.com'], 'doctor: --dns-server "dns.example.com": '],
    [['--live', '--dns-server', '127.0.0.1:0'], 'doctor: --dns-server "127.0.0.1:0": '],
    [['--live', '--dns-server'], 'doctor: Option'],
    [['--live', '--https-port', '0'], 'doctor: --https-port "0": expected an integer from 1'],
    [['--live', '--https-port', '443x'], 'doctor: --https-port "443x": '],
    [['--live', '--timeout', '0'], 'doctor: --timeout "0": expected a number of seconds'],
    [['--live', '--timeout', '61'], 'doctor: --timeout "61": '],
    [['--live', '--ca-file', '/nonexistent/ca.pem'], 'doctor: --ca-file "/nonexistent/ca.pem": '],
    [['--timeout', '5'], 'doctor: --dns-server, --ca-file, --https-port and --timeout need --live'],
    [['--dns-server', '127.0.0.1'], 'need --live'],
  ])('refuses %j as a usage error', (argv, message) => {
    expect(refusal(argv)).toContain(message);
  });
});

describe(liveOptions.name, () => {
  it('uses the doctor_* keys where no flag is given', () => {
    expect(liveOptions(CONFIG, {})).toEqual(CONFIG);
  });

  it('lets each flag win over its key', () => {
    expect(liveOptions(CONFIG, { dnsServers: ['127.0.0.1:5353'], timeoutMs: 250 })).toEqual({
      ...CONFIG,
      dnsServers: ['127.0.0.1:5353'],
      timeoutMs: 250,
    });
    expect(
      liveOptions({ ...CONFIG, caFile: null }, { caFile: '/ca.pem', httpsPort: 8443 }),
    ).toEqual({ ...CONFIG, caFile: '/ca.pem', httpsPort: 8443 });
  });
});
