import type { DomainView } from './api-types';
import { bodyFromForm, formFromView, newServer, numberOrText, textOrNull } from './domain-form';

const VIEW: DomainView = {
  name: 'example.org',
  provider: { id: 3, name: 'Example Inc.', short_name: 'Example' },
  ldapserver: {
    id: 2,
    name: 'ldap.example.org',
    port: 636,
    use_ssl: true,
    search_base: 'dc=example,dc=org',
    search_filter: '(mail={0})',
    attr_uid: 'uid',
    attr_cn: null,
    bind_user: 'cn=reader',
    bind_password: '',
  },
  servers: [
    {
      id: 7,
      type: 'pop',
      name: 'pop.example.org',
      port: 143,
      socket_type: 'STARTTLS',
      user_name: '%EMAILADDRESS%',
      authentication: 'plain',
      prio: 10,
    },
  ],
  davservers: [
    {
      id: 1,
      type: 'caldav',
      url: 'https://dav.example.org/',
      port: 0,
      use_ssl: true,
      domain_required: false,
      user_name: null,
    },
  ],
};

describe('bodyFromForm', () => {
  it('gives back the view without ids when nothing was edited', () => {
    const { provider, ldapserver, servers, davservers } = VIEW;
    const withoutId = <T extends { id?: number }>(row: T): Omit<T, 'id'> => {
      const copy = { ...row };
      delete copy.id;
      return copy;
    };
    expect(bodyFromForm(formFromView(VIEW))).toEqual({
      name: 'example.org',
      provider: withoutId(provider),
      ldapserver: ldapserver && withoutId(ldapserver),
      servers: servers.map(withoutId),
      davservers: davservers.map(withoutId),
    });
  });

  it('sends an edited field, numbers as numbers', () => {
    const form = formFromView(VIEW);
    const edited = {
      ...form,
      servers: form.servers.map((server) => ({ ...server, type: 'imap', port: ' 993 ' })),
    };
    expect(bodyFromForm(edited).servers[0]).toMatchObject({ type: 'imap', port: 993 });
  });

  it('sends a number field that is no whole number as typed, for the API to refuse', () => {
    const form = formFromView(VIEW);
    const edited = {
      ...form,
      servers: form.servers.map((server) => ({ ...server, port: '99x', prio: '' })),
    };
    expect(bodyFromForm(edited).servers[0]).toMatchObject({ port: '99x', prio: '' });
  });

  it('has no LDAP server when the form has none', () => {
    expect(bodyFromForm({ ...formFromView(VIEW), ldapserver: null }).ldapserver).toBeNull();
  });
});

describe('formFromView', () => {
  it('keys rows by position, so a reloaded view keeps its inputs', () => {
    const view = { ...VIEW, servers: [...VIEW.servers, ...VIEW.servers] };
    expect(formFromView(view).servers.map((server) => server.key)).toEqual([0, 1]);
    expect(formFromView(view).servers.map((server) => server.key)).toEqual([0, 1]);
  });

  it('gives an added row a key no read row has', () => {
    const form = formFromView(VIEW);
    const keys = [...form.servers, newServer(form.servers), newServer(form.servers)].map(
      (server) => server.key,
    );
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('newServer', () => {
  it('comes after the others', () => {
    const form = formFromView(VIEW);
    expect(newServer(form.servers).prio).toBe('20');
    expect(newServer([]).prio).toBe('10');
  });
});

describe('numberOrText', () => {
  it.each([
    ['993', 993],
    ['-1', -1],
    ['0', 0],
    ['1e3', '1e3'],
    ['', ''],
    ['12.5', '12.5'],
  ])('reads %j as %j', (text, value) => {
    expect(numberOrText(text)).toBe(value);
  });
});

describe('textOrNull', () => {
  it('reads an emptied field as none', () => {
    expect(textOrNull('')).toBeNull();
    expect(textOrNull('x')).toBe('x');
  });
});
