import { configSearchPath, defaultLocatorEnv, locateConfigFile } from './config-locator';

const HOME = '/home/someone';
const USER_FILE = '/home/someone/.automx2.conf';
const ETC_DIR_FILE = '/etc/automx2/automx2.conf';
const ETC_FILE = '/etc/automx2.conf';
const ENV_FILE = '/srv/conf/custom.ini';

const locator = (existing: readonly string[], env: NodeJS.ProcessEnv = {}) => ({
  env,
  home: HOME,
  exists: (path: string) => existing.includes(path),
});

describe('configSearchPath', () => {
  it("is automx2's order: AUTOMX2_CONF, ~/.automx2.conf, /etc/automx2/automx2.conf, /etc/automx2.conf", () => {
    expect(configSearchPath({ env: { AUTOMX2_CONF: ENV_FILE }, home: HOME })).toEqual([
      ENV_FILE,
      USER_FILE,
      ETC_DIR_FILE,
      ETC_FILE,
    ]);
  });

  it('leaves AUTOMX2_CONF out when it is unset or empty', () => {
    const expected = [USER_FILE, ETC_DIR_FILE, ETC_FILE];
    expect(configSearchPath({ env: {}, home: HOME })).toEqual(expected);
    expect(configSearchPath({ env: { AUTOMX2_CONF: '' }, home: HOME })).toEqual(expected);
  });

  it('leaves ~/.automx2.conf out without a home directory', () => {
    expect(configSearchPath({ env: {}, home: '' })).toEqual([ETC_DIR_FILE, ETC_FILE]);
  });

  it('uses the given home directory', () => {
    expect(configSearchPath({ env: {}, home: '/root' })[0]).toBe('/root/.automx2.conf');
  });
});

describe('locateConfigFile', () => {
  const standard = (path: string) => ({ path, named: false });

  it.each([
    ['~/.automx2.conf', [USER_FILE, ETC_DIR_FILE, ETC_FILE], USER_FILE],
    ['/etc/automx2/automx2.conf', [ETC_DIR_FILE, ETC_FILE], ETC_DIR_FILE],
    ['/etc/automx2.conf', [ETC_FILE], ETC_FILE],
  ])('without AUTOMX2_CONF the first existing file wins: %s', (_label, existing, expected) => {
    expect(locateConfigFile(locator(existing))).toEqual(standard(expected));
  });

  it('takes the file AUTOMX2_CONF names, existing or not: it must be read', () => {
    const named = { path: ENV_FILE, named: true };
    expect(locateConfigFile(locator([ENV_FILE, USER_FILE], { AUTOMX2_CONF: ENV_FILE }))).toEqual(
      named,
    );
    expect(locateConfigFile(locator([ETC_FILE], { AUTOMX2_CONF: ENV_FILE }))).toEqual(named);
    expect(locateConfigFile(locator([], { AUTOMX2_CONF: ENV_FILE }))).toEqual(named);
  });

  it('takes an empty AUTOMX2_CONF as unset', () => {
    expect(locateConfigFile(locator([ETC_FILE], { AUTOMX2_CONF: '' }))).toEqual(standard(ETC_FILE));
  });

  it('skips each missing location in turn', () => {
    expect(locateConfigFile(locator([ETC_FILE, USER_FILE]))).toEqual(standard(USER_FILE));
    expect(locateConfigFile(locator([ETC_DIR_FILE], {}))).toEqual(standard(ETC_DIR_FILE));
  });

  it('gives null when no file exists and AUTOMX2_CONF is unset', () => {
    expect(locateConfigFile(locator([]))).toBeNull();
  });

  it('asks about the locations in order and stops at the first existing one', () => {
    const asked: string[] = [];
    const found = locateConfigFile({
      env: {},
      home: HOME,
      exists: (path) => {
        asked.push(path);
        return path === ETC_DIR_FILE;
      },
    });
    expect(found).toEqual(standard(ETC_DIR_FILE));
    expect(asked).toEqual([USER_FILE, ETC_DIR_FILE]);
  });
});

describe('defaultLocatorEnv', () => {
  it('reads the process environment and the real home directory', () => {
    const env = defaultLocatorEnv();
    expect(env.env).toBe(process.env);
    expect(typeof env.home).toBe('string');
    expect(env.exists('/')).toBe(true);
    expect(env.exists('/nonexistent/automx2.conf')).toBe(false);
  });
});
