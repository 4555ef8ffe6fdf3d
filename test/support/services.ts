/**
 * Real services for tests. test/support/global-setup.ts probes them once per run and
 * records the ones that answer in AUTOMX2_TEST_SERVICES (inherited by the workers).
 * Outside CI a missing service makes its suites skip with a message saying how to
 * start it; with TEST_REQUIRE_SERVICES=1 (CI) the run fails instead.
 */
export type ServiceName = 'postgres' | 'mysql' | 'slapd' | 'nginx' | 'chromium' | 'dovecot';

export const SERVICE_HINTS: Record<ServiceName, string> = {
  postgres:
    'Start PostgreSQL on 127.0.0.1:5432 (trust auth, database "test"): ' +
    'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  mysql:
    'Start MariaDB on 127.0.0.1:3306 (root, empty password, database "test"): ' +
    'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
  slapd: 'Install OpenLDAP: apt-get install -y slapd ldap-utils (tests start their own slapd)',
  nginx: 'Install nginx: apt-get install -y nginx (tests start their own instance)',
  chromium: 'Install Chromium: apt-get install -y chromium (the console tests drive it headless)',
  dovecot:
    'Install Dovecot: apt-get install -y dovecot-imapd dovecot-pop3d dovecot-submissiond ' +
    '(the live doctor tests start their own instance)',
};

export function serviceAvailable(name: ServiceName): boolean {
  return (process.env.AUTOMX2_TEST_SERVICES ?? '').split(',').includes(name);
}

/** `describe`, or `describe.skip` with a message when the service is missing. */
export function describeWith(name: ServiceName): jest.Describe {
  if (serviceAvailable(name)) return describe;
  process.stderr.write(`SKIPPED (${name} missing): ${SERVICE_HINTS[name]}\n`);
  return describe.skip;
}
