/**
 * The columns of each shared table as documents and the admin API name them. A module
 * of its own, without imports, so the console's bundle can use it too.
 */

/** The fields of each table's rows in a document, ids and domain lists aside. */
export const ROW_FIELDS = {
  provider: ['name', 'short_name'],
  ldapServer: [
    'name',
    'port',
    'use_ssl',
    'search_base',
    'search_filter',
    'attr_uid',
    'attr_cn',
    'bind_user',
    'bind_password',
  ],
  server: ['type', 'name', 'port', 'socket_type', 'user_name', 'authentication', 'prio'],
  davServer: ['type', 'url', 'port', 'use_ssl', 'domain_required', 'user_name'],
} as const;
