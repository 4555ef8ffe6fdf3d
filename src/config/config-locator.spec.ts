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

  it('uses the given home directory', () => {
    expect(configSearchPath({ env: {}, home: '/root' })[0]).toBe('/root/.automx2.conf');
  });
});

describe('locateConfigFile', () => {
  it.each([
    ['AUTOMX2_CONF', [ENV_FILE, USER_FILE, ETC_DIR_FILE, ETC_FILE], ENV_FILE],
    ['~/.automx2.conf', [USER_FILE, ETC_DIR_FILE, ETC_FILE], USER_FILE],
    ['/etc/automx2/automx2.conf', [ETC_DIR_FILE, ETC_FILE], ETC_DIR_FILE],
    ['/etc/automx2.conf', [ETC_FILE], ETC_FILE],
  ])('the first existing file wins: %s', (_label, existing, expected) => {
    expect(locateConfigFile(locator(existing, { AUTOMX2_CONF: ENV_FILE }))).toBe(expected);
  });

  it('skips each missing location in turn', () => {
    expect(locateConfigFile(locator([ETC_FILE, USER_FILE], { AUTOMX2_CONF: ENV_FILE }))).toBe(
      USER_FILE,
    );
    expect(locateConfigFile(locator([ETC_DIR_FILE], {}))).toBe(ETC_DIR_FILE);
  });

  it('falls through to the standard locations when AUTOMX2_CONF names a missing file', () => {
    expect(locateConfigFile(locator([ETC_FILE], { AUTOMX2_CONF: '/missing.conf' }))).toBe(ETC_FILE);
  });

  it('gives null when no file exists', () => {
    expect(locateConfigFile(locator([], { AUTOMX2_CONF: ENV_FILE }))).toBeNull();
    expect(locateConfigFile(locator([]))).toBeNull();
  });

  it('asks about the locations in order and stops at the first existing one', () => {
    const asked: string[] = [];
    const found = locateConfigFile({
      env: { AUTOMX2_CONF: ENV_FILE },
      home: HOME,
      exists: (path) => {
        asked.push(path);
        return path === ETC_DIR_FILE;
      },
    });
    expect(found).toBe(ETC_DIR_FILE);
    expect(asked).toEqual([ENV_FILE, USER_FILE, ETC_DIR_FILE]);
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
