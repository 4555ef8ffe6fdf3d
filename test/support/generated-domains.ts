/**
 * Many domains written with plain SQL (multi-row INSERTs with explicit ids), for the
 * streamed export at scale: ids with gaps, several providers and LDAP servers, one mail
 * server and one DAV server shared by (nearly) every domain, so that their `domains`
 * lists span many pages, a server per hundred domains (many servers in one page of
 * links), servers without domains, and names that JSON escapes or writes as non-ASCII.
 * The same statements work on SQLite, PostgreSQL and MySQL/MariaDB.
 */

/** Rows per INSERT statement. */
const BATCH = 1000;

const sqlText = (value: string | null) =>
  value === null ? 'NULL' : `'${value.replace(/'/g, "''")}'`;

/** The id of the n-th generated domain (0-based): gaps between them. */
export const generatedDomainId = (n: number) => 10 + 2 * n;

/** The name of the n-th generated domain. */
export function generatedDomainName(n: number): string {
  if (n % 7 === 3) return `g${n}-bücher.example`;
  if (n % 11 === 5) return `g${n}-"quoted"&<tag>.example`;
  return `g${n}.example`;
}

/** A server id beyond every id the generated rows use. */
export const BEYOND_GENERATED_IDS = 2_000_000_000;

/** INSERT statements for `count` domains and their providers, LDAP servers and servers. */
export function generatedDomainStatements(count: number): string[] {
  const statements: string[] = [
    'INSERT INTO provider (id, name, short_name) VALUES ' +
      "(3, 'Generated Provider', 'Gen'), (5, 'Prövider “Zwei”', 'P2'), (8, 'Third & Last', 'P3')",
    'INSERT INTO ldapserver (id, name, port, use_ssl, search_base, search_filter, attr_uid, ' +
      'attr_cn, bind_password, bind_user) VALUES ' +
      "(2, 'ldap.generated.example', 636, TRUE, 'dc=generated,dc=example', '(mail={0})', " +
      "'uid', 'cn', 'bind \"secret\"', 'cn=reader,dc=generated,dc=example'), " +
      "(4, 'ldap2.generated.example', 389, FALSE, 'o=two', '(uid={0})', 'uid', NULL, NULL, NULL)",
  ];
  const providers = [3, 5, 8];
  statements.push(
    ...batches(count, (n) => {
      const ldap = n % 5 === 0 ? '2' : n % 5 === 1 ? '4' : 'NULL';
      return `(${generatedDomainId(n)}, ${sqlText(generatedDomainName(n))}, ${providers[n % 3]}, ${ldap})`;
    }).map(
      (values) => `INSERT INTO domain (id, name, provider_id, ldapserver_id) VALUES ${values}`,
    ),
  );
  const groups = Math.ceil(count / 100);
  const server = (id: number, name: string, prio: number) =>
    `(${id}, ${prio}, ${sqlText(name)}, 993, 'imap', 'SSL', '%EMAILADDRESS%', 'plain')`;
  statements.push(
    ...batches(groups, (k) => server(100 + 3 * k, `imap${k}.generated.example`, k % 4)).map(
      (values) =>
        'INSERT INTO server (id, prio, name, port, type, socket_type, user_name, authentication) ' +
        `VALUES ${values}`,
    ),
    'INSERT INTO server (id, prio, name, port, type, socket_type, user_name, authentication) ' +
      `VALUES ${server(7, 'shared.generated.example', 10)}, ${server(99, 'unused.example', 1)}, ` +
      `${server(100 + 3 * groups + 1, 'last-unused.example', 2)}`,
    'INSERT INTO davserver (id, url, port, type, use_ssl, domain_required, user_name) VALUES ' +
      "(6, 'https://dav.generated.example/ü', 0, 'carddav', TRUE, FALSE, NULL), " +
      "(9, 'https://unused.example/', 8443, 'caldav', FALSE, TRUE, '%EMAILADDRESS%')",
  );
  // Links written from the last domain to the first: their order on disk is not the export's.
  const last = count - 1;
  statements.push(
    ...batches(count, (n) => `(7, ${generatedDomainId(last - n)})`).map(
      (values) => `INSERT INTO server_domain (server_id, domain_id) VALUES ${values}`,
    ),
    ...batches(count, (n) => {
      const domain = last - n;
      return `(${100 + 3 * Math.floor(domain / 100)}, ${generatedDomainId(domain)})`;
    }).map((values) => `INSERT INTO server_domain (server_id, domain_id) VALUES ${values}`),
    ...batches(Math.ceil(count / 2), (n) => `(6, ${generatedDomainId(last - 2 * n)})`).map(
      (values) => `INSERT INTO davserver_domain (davserver_id, domain_id) VALUES ${values}`,
    ),
  );
  return statements;
}

/** `count` rows as the VALUES lists of INSERTs of up to BATCH rows each. */
function batches(count: number, row: (n: number) => string): string[] {
  const lists: string[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const rows: string[] = [];
    for (let n = start; n < Math.min(count, start + BATCH); n += 1) rows.push(row(n));
    lists.push(rows.join(', '));
  }
  return lists;
}
