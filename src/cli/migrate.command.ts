import { loadCliConfig, withDatabase } from './cli-context';
import { parseCommandArgs } from './command-args';

/** `migrate`: creates or upgrades the schema (each migration in its own transaction). */
export async function runMigrate(argv: readonly string[]): Promise<void> {
  parseCommandArgs('migrate', argv, {}, { min: 0, max: 0 });
  const loaded = loadCliConfig();
  if (!loaded) return;
  await withDatabase(loaded, async ({ dataSource }) => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    process.stdout.write(
      applied.length === 0
        ? 'schema is up to date\n'
        : applied.map((migration) => `applied ${migration.name}\n`).join(''),
    );
  });
}
