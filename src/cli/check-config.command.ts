import { redactDbUri } from '../config/db-uri';
import { loadCliConfig, withDatabase } from './cli-context';
import { parseCommandArgs } from './command-args';

/** `check-config`: validates the configuration and reaches the database. */
export async function runCheckConfig(argv: readonly string[]): Promise<void> {
  parseCommandArgs('check-config', argv, {}, { min: 0, max: 0 });
  const loaded = loadCliConfig();
  if (!loaded) return;
  const { config, warnings } = loaded;
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(`configuration: ${config.sourceFile ?? '(none, defaults)'}\n`);
  try {
    await withDatabase(loaded, async ({ dataSource }) => {
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
