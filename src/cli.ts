import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { parseServeArgs, UsageError } from './bootstrap/cli-args';
import { EXIT_CONFIG_ERROR, serve } from './bootstrap/serve';
import { redactDbUri } from './config/db-uri';
import { ConfigProblems, loadConfig, type LoadedConfig } from './config/load-config';
import { dataSourceOptions } from './database/data-source-options';

const USAGE = `usage: automx2-nest <command>
  serve [--host H] [--port P]   run the HTTP service (the default command)
  migrate                       create or upgrade the database schema
  check-config                  validate the configuration and the database connection`;

function load(): LoadedConfig | null {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigProblems)) throw error;
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
    process.exitCode = EXIT_CONFIG_ERROR;
    return null;
  }
}

async function withDataSource(loaded: LoadedConfig, work: (ds: DataSource) => Promise<void>) {
  const dataSource = new DataSource(
    dataSourceOptions(loaded.config.database, loaded.config.dbEcho),
  );
  await dataSource.initialize();
  try {
    await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function migrate(): Promise<void> {
  const loaded = load();
  if (!loaded) return;
  await withDataSource(loaded, async (dataSource) => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    process.stdout.write(
      applied.length === 0
        ? 'schema is up to date\n'
        : applied.map((migration) => `applied ${migration.name}\n`).join(''),
    );
  });
}

async function checkConfig(): Promise<void> {
  const loaded = load();
  if (!loaded) return;
  const { config, warnings } = loaded;
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(`configuration: ${config.sourceFile ?? '(none, defaults)'}\n`);
  try {
    await withDataSource(loaded, async (dataSource) => {
      await dataSource.query('SELECT 1');
    });
    process.stdout.write(`database ${redactDbUri(config.dbUri)}: reachable\n`);
  } catch (error) {
    process.stderr.write(
      `database ${redactDbUri(config.dbUri)}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}

export async function runCli(argv: readonly string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve(parseServeArgs(rest));
      return;
    case 'migrate':
      await migrate();
      return;
    case 'check-config':
      await checkConfig();
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** Runs the CLI with this process's arguments and sets the exit code. */
export function main(): void {
  runCli(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${USAGE}\n${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

if (require.main === module) main();
