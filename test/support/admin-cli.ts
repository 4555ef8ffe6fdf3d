/**
 * The operator's CLI as shipped (`node dist/cli.js`), for comparing the admin API's bulk
 * routes with `automx2-nest import` and `export`. Each run gets only the database (an
 * empty configuration file keeps the machine's configuration out). Call ensureBuilt()
 * (test/support/dist.ts) first.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyConfigFile } from './config-file';
import { DIST_CLI } from './dist';
import { runNode, type Finished } from './run-node';

export type CliResult = Finished;

export interface Cli {
  /** A temporary directory of the CLI's own (its HOME and working directory). */
  readonly home: string;
  readonly run: (dbUri: string, args: readonly string[]) => Promise<CliResult>;
  /** Runs and returns stdout; throws with everything printed on a non-zero exit. */
  readonly ok: (dbUri: string, args: readonly string[]) => Promise<string>;
  /** Writes `content` (JSON for an object) to a file in `home`; returns its path. */
  readonly file: (name: string, content: string | object) => string;
  readonly remove: () => void;
}

export function createCli(): Cli {
  const home = mkdtempSync(join(tmpdir(), 'automx2-admin-cli-'));
  const conf = emptyConfigFile(home);
  const run = (dbUri: string, args: readonly string[]): Promise<CliResult> => {
    const env = { HOME: home, AUTOMX2_CONF: conf, AUTOMX2_DB_URI: dbUri };
    return runNode(DIST_CLI, args, { cwd: home, env });
  };
  return {
    home,
    run,
    ok: async (dbUri, args) => {
      const result = await run(dbUri, args);
      if (result.code !== 0) {
        throw new Error(
          `${args.join(' ')}: exit ${String(result.code)}:\n${result.stderr}${result.stdout}`,
        );
      }
      return result.stdout;
    },
    file: (name, content) => {
      const path = join(home, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
      return path;
    },
    remove: () => rmSync(home, { recursive: true, force: true }),
  };
}
