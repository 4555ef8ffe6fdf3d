import { AppLogger } from '../common/app-logger';
import type { AppConfig } from '../config/app-config';
import { ConfigProblems, loadConfig, type LoadedConfig } from '../config/load-config';
import { logLevelReloadable } from './log-level.reloadable';
import { reloadConfiguration, type ReloadContext } from './reload';
import { UNCHANGED, type Reloadable } from './reloadable';

/** The configuration an INI text gives, as start-up reads it. */
function configOf(text: string): LoadedConfig {
  return loadConfig({
    locator: {
      env: { AUTOMX2_CONF: '/etc/automx2.conf' },
      home: '/nonexistent',
      exists: () => true,
    },
    readFile: () => text,
  });
}

interface Logged {
  readonly lines: string[];
  readonly log: ReloadContext['log'];
}

function logged(): Logged {
  const lines: string[] = [];
  return {
    lines,
    log: {
      notice: (message) => lines.push(`INFO ${message}`),
      warn: (message) => lines.push(`WARNING ${message}`),
      error: (message) => lines.push(`ERROR ${message}`),
    },
  };
}

/** A reloadable of `body_limit` that refuses odd values (stands for a bad new file). */
function bodyLimitReloadable(applied: number[]): Reloadable {
  return {
    name: 'body_limit',
    fields: ['bodyLimit'],
    apply: (next) => {
      const current = applied[applied.length - 1];
      if (next.bodyLimit === current) return UNCHANGED;
      if (next.bodyLimit % 2 === 1) {
        return { kind: 'kept', reason: `body_limit ${next.bodyLimit} is odd; keeping ${current}` };
      }
      applied.push(next.bodyLimit);
      return { kind: 'changed', message: `body_limit is now ${next.bodyLimit}` };
    },
  };
}

describe(reloadConfiguration.name, () => {
  const START = '[automx2]\nloglevel = WARNING\nbody_limit = 1000\nport = 4243\n';
  let running: AppConfig;
  let logger: AppLogger;
  let applied: number[];
  let out: Logged;

  beforeEach(() => {
    running = configOf(START).config;
    logger = new AppLogger('WARNING', 'text', () => undefined);
    applied = [1000];
    out = logged();
  });

  const reload = (text: string | ConfigProblems) =>
    reloadConfiguration(running, {
      load: () => {
        if (text instanceof ConfigProblems) throw text;
        return configOf(text);
      },
      reloadables: [logLevelReloadable(logger, 'WARNING'), bodyLimitReloadable(applied)],
      log: out.log,
    });

  it('says "nothing changed" in one line when the file is the same', () => {
    expect(reload(START)).toEqual(running);
    expect(out.lines).toEqual(['INFO SIGHUP: nothing changed']);
  });

  it('takes over each changed item with one INFO line each', () => {
    const after = reload('[automx2]\nloglevel = ERROR\nbody_limit = 2000\nport = 4243\n');
    expect(out.lines).toEqual([
      'INFO SIGHUP: loglevel is now ERROR (was WARNING)',
      'INFO SIGHUP: body_limit is now 2000',
    ]);
    expect(logger.level).toBe('ERROR');
    expect(after).toEqual({ ...running, loglevel: 'ERROR', bodyLimit: 2000 });
  });

  it('keeps what cannot be used, says why, and still takes over the rest', () => {
    const after = reload('[automx2]\nloglevel = INFO\nbody_limit = 2001\nport = 4243\n');
    expect(out.lines).toEqual([
      'INFO SIGHUP: loglevel is now INFO (was WARNING); the access log starts only with a restart',
      'ERROR SIGHUP: body_limit 2001 is odd; keeping 1000',
    ]);
    expect(after).toEqual({ ...running, loglevel: 'INFO' });
    expect(applied).toEqual([1000]);
  });

  it('changes nothing when the configuration has errors, naming each', () => {
    const after = reload('[automx2]\nloglevel = LOUD\nbody_limit = x\n');
    expect(after).toBe(running);
    expect(logger.level).toBe('WARNING');
    expect(out.lines).toEqual([
      'ERROR SIGHUP: config error: /etc/automx2.conf: loglevel = "LOUD": expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL',
      expect.stringMatching(
        /^ERROR SIGHUP: config error: \/etc\/automx2\.conf: body_limit = "x": /,
      ),
      'ERROR SIGHUP: the configuration has errors; nothing was reloaded',
    ]);
  });

  it('warns that other changed settings need a restart, and keeps them as they were', () => {
    const after = reload('[automx2]\nloglevel = WARNING\nbody_limit = 1000\nport = 8080\n');
    expect(after.port).toBe(4243);
    expect(out.lines).toEqual([
      'WARNING SIGHUP: /etc/automx2.conf also changed settings that take effect only after a ' +
        'restart (a reload takes over loglevel, body_limit)',
    ]);
  });

  it('changes nothing when the file is gone and the defaults would apply', () => {
    const defaults = loadConfig({
      locator: { env: {}, home: '/nonexistent', exists: () => false },
    });
    const after = reloadConfiguration(running, {
      load: () => defaults,
      reloadables: [logLevelReloadable(logger, 'WARNING')],
      log: out.log,
    });
    expect(after).toBe(running);
    expect(out.lines).toEqual([
      'ERROR SIGHUP: the configuration would now come from no file (defaults) instead of ' +
        '/etc/automx2.conf; nothing was reloaded (restart to change files)',
    ]);
  });

  it('logs the warnings of the new file (unknown keys)', () => {
    reload(`${START}colour = blue\n`);
    expect(out.lines).toEqual([
      'WARNING SIGHUP: /etc/automx2.conf: unknown key "colour" in [automx2] ignored',
      'INFO SIGHUP: nothing changed',
    ]);
  });
});

describe(logLevelReloadable.name, () => {
  it('notes no restart for the access log when INFO was on at start-up', () => {
    const logger = new AppLogger('INFO', 'text', () => undefined);
    const reloadable = logLevelReloadable(logger, 'INFO');
    const config = (loglevel: AppConfig['loglevel']) => ({ ...configOf('').config, loglevel });
    expect(reloadable.apply(config('WARNING'))).toEqual({
      kind: 'changed',
      message: 'loglevel is now WARNING (was INFO)',
    });
    expect(reloadable.apply(config('DEBUG'))).toEqual({
      kind: 'changed',
      message: 'loglevel is now DEBUG (was WARNING)',
    });
    expect(reloadable.apply(config('DEBUG'))).toEqual(UNCHANGED);
  });
});
