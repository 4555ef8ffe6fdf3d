import { errorId, fieldToInputId, inputIdToField } from './field-ids';

describe('fieldToInputId', () => {
  it.each([
    ['servers[0].port', 'servers-0-port'],
    ['servers[12].socket_type', 'servers-12-socket_type'],
    ['davservers[1].url', 'davservers-1-url'],
    ['davservers[0].domain_required', 'davservers-0-domain_required'],
    ['provider.name', 'provider-name'],
    ['provider.short_name', 'provider-short_name'],
    ['ldapserver.search_filter', 'ldapserver-search_filter'],
    ['ldapserver.bind_password', 'ldapserver-bind_password'],
  ])('maps %s to %s', (path, id) => {
    expect(fieldToInputId(path)).toBe(id);
  });

  it.each([
    'servers',
    'name',
    'document',
    'servers[0]',
    'servers[0].prot',
    'servers[0].id',
    'servers[01].port',
    'servers[-1].port',
    'davservers[0].authentication',
    'provider.id',
    'provider',
    'ldapserver',
    'ldapserver.prio',
    'servers[0].port.extra',
    '',
  ])('has no input for %j', (path) => {
    expect(fieldToInputId(path)).toBeNull();
  });
});

describe('inputIdToField', () => {
  it.each([
    ['servers-0-port', 'servers[0].port'],
    ['davservers-3-use_ssl', 'davservers[3].use_ssl'],
    ['provider-short_name', 'provider.short_name'],
    ['ldapserver-attr_uid', 'ldapserver.attr_uid'],
  ])('maps %s back to %s', (id, path) => {
    expect(inputIdToField(id)).toBe(path);
    expect(fieldToInputId(path)).toBe(id);
  });

  it.each(['token', 'domain-search', 'preview-address', 'servers-0-prot', 'provider-id'])(
    'is null for %s',
    (id) => {
      expect(inputIdToField(id)).toBeNull();
    },
  );
});

describe('errorId', () => {
  it('names the message element after the input', () => {
    expect(errorId('servers-0-port')).toBe('servers-0-port-error');
  });
});
