import { ROW_FIELDS } from '../../provisioning/row-fields';

/**
 * The admin API names a field of a domain by its path in the domain view
 * (`servers[0].port`, `provider.name`, `ldapserver.search_filter`); the editor's inputs
 * have ids built from the same path (`servers-0-port`, `provider-name`,
 * `ldapserver-search_filter`). These two functions convert between them, for the
 * fields the editor has an input for; anything else maps to null.
 */

export const PROVIDER_FIELDS = ROW_FIELDS.provider;
export const SERVER_FIELDS = ROW_FIELDS.server;
export const DAV_FIELDS = ROW_FIELDS.davServer;
export const LDAP_FIELDS = ROW_FIELDS.ldapServer;

type ListName = 'servers' | 'davservers';
type ObjectName = 'provider' | 'ldapserver';

const LIST_FIELDS: Readonly<Record<ListName, readonly string[]>> = {
  servers: SERVER_FIELDS,
  davservers: DAV_FIELDS,
};

const OBJECT_FIELDS: Readonly<Record<ObjectName, readonly string[]>> = {
  provider: PROVIDER_FIELDS,
  ldapserver: LDAP_FIELDS,
};

const LIST_PATH = /^(servers|davservers)\[(0|[1-9][0-9]{0,5})\]\.([a-z_]+)$/;
const OBJECT_PATH = /^(provider|ldapserver)\.([a-z_]+)$/;
const LIST_ID = /^(servers|davservers)-(0|[1-9][0-9]{0,5})-([a-z_]+)$/;
const OBJECT_ID = /^(provider|ldapserver)-([a-z_]+)$/;

/** The id of the input of one server's field: `servers-0-port`. */
export function listInputId(list: ListName, index: number, field: string): string {
  return `${list}-${index}-${field}`;
}

/** The id of the input of a provider or LDAP server field: `provider-name`. */
export function objectInputId(object: ObjectName, field: string): string {
  return `${object}-${field}`;
}

/** `servers[0].port` → `servers-0-port`; null for a path the editor has no input for. */
export function fieldToInputId(path: string): string | null {
  const list = LIST_PATH.exec(path);
  if (list) {
    const [, name = '', index = '', field = ''] = list;
    return isList(name) && LIST_FIELDS[name].includes(field)
      ? listInputId(name, Number(index), field)
      : null;
  }
  const object = OBJECT_PATH.exec(path);
  if (object) {
    const [, name = '', field = ''] = object;
    return isObject(name) && OBJECT_FIELDS[name].includes(field)
      ? objectInputId(name, field)
      : null;
  }
  return null;
}

/** `servers-0-port` → `servers[0].port`; null for an id that is not a field input. */
export function inputIdToField(id: string): string | null {
  const list = LIST_ID.exec(id);
  if (list) {
    const [, name = '', index = '', field = ''] = list;
    return isList(name) && LIST_FIELDS[name].includes(field) ? `${name}[${index}].${field}` : null;
  }
  const object = OBJECT_ID.exec(id);
  if (object) {
    const [, name = '', field = ''] = object;
    return isObject(name) && OBJECT_FIELDS[name].includes(field) ? `${name}.${field}` : null;
  }
  return null;
}

function isList(name: string): name is ListName {
  return name === 'servers' || name === 'davservers';
}

function isObject(name: string): name is ObjectName {
  return name === 'provider' || name === 'ldapserver';
}

/** The id of the element holding an input's error message. */
export function errorId(inputId: string): string {
  return `${inputId}-error`;
}
