/**
 * The four statements of a domain lookup, written once per dialect (identifier quotes,
 * placeholders, case-insensitive name match) so that no SQL is built per request.
 */
export type SqlDialect = 'postgres' | 'mysql' | 'sqlite';

export interface SettingsSql {
  /** Domain + provider + LDAP server for 1..3 candidate names (index = count - 1). */
  readonly domainByNames: readonly string[];
  readonly providerDomains: string;
  readonly mailServers: string;
  readonly davServers: string;
}

export function settingsSql(dialect: SqlDialect): SettingsSql {
  const q = (name: string) => (dialect === 'mysql' ? `\`${name}\`` : `"${name}"`);
  const param = (index: number) => (dialect === 'postgres' ? `$${index}` : '?');
  // MySQL/MariaDB compare through the unique index's case-insensitive collation; the
  // others use the lower(name) expression index of the second migration.
  const nameExpression = dialect === 'mysql' ? 'd.name' : 'lower(d.name)';
  const domainByNames = [1, 2, 3].map(
    (count) =>
      'SELECT d.id AS d_id, d.name AS d_name, p.id AS p_id, p.name AS p_name, ' +
      'p.short_name AS p_short_name, l.id AS l_id, l.name AS l_name, l.port AS l_port, ' +
      'l.use_ssl AS l_use_ssl, l.search_base AS l_search_base, ' +
      'l.search_filter AS l_search_filter, l.attr_uid AS l_attr_uid, ' +
      'l.attr_cn AS l_attr_cn, l.bind_password AS l_bind_password, ' +
      'l.bind_user AS l_bind_user ' +
      `FROM ${q('domain')} d ` +
      `JOIN ${q('provider')} p ON p.id = d.provider_id ` +
      `LEFT JOIN ${q('ldapserver')} l ON l.id = d.ldapserver_id ` +
      `WHERE ${nameExpression} IN (${Array.from({ length: count }, (_, i) => param(i + 1)).join(', ')}) ` +
      'ORDER BY d.id LIMIT 1',
  );
  return {
    domainByNames,
    providerDomains: `SELECT d.name AS name FROM ${q('domain')} d WHERE d.provider_id = ${param(1)} ORDER BY d.id`,
    mailServers:
      'SELECT s.id AS id, s.prio AS prio, s.name AS name, s.port AS port, s.type AS type, ' +
      's.socket_type AS socket_type, s.user_name AS user_name, ' +
      's.authentication AS authentication ' +
      `FROM ${q('server')} s JOIN ${q('server_domain')} sd ON sd.server_id = s.id ` +
      `WHERE sd.domain_id = ${param(1)} ORDER BY s.prio, s.id`,
    davServers:
      'SELECT v.id AS id, v.url AS url, v.port AS port, v.type AS type, ' +
      'v.use_ssl AS use_ssl, v.domain_required AS domain_required, v.user_name AS user_name ' +
      `FROM ${q('davserver')} v JOIN ${q('davserver_domain')} vd ON vd.davserver_id = v.id ` +
      `WHERE vd.domain_id = ${param(1)} ORDER BY v.id`,
  };
}
