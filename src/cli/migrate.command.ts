import { loadCliConfig, withDatabase } from './cli-context';
import { parseCommandArgs } from './command-args';

/**
 * `migrate`: creates or upgrades the schema, one migrating process at a time
 * (schema-migrations.ts: a running server's `/initdb/` may migrate at the same time).
 */
export async function runMigrate(argv: readonly string[]): Promise<void> {
  parseCommandArgs('migrate', argv, {}, { min: 0, max: 0 });
  const loaded = loadCliConfig();
  if (!loaded) return;
  await withDatabase(loaded, async ({ dataSource }) => {
    const { runMigrationsExclusively } = await import('../database/schema-migrations');
    const applied = await runMigrationsExclusively(dataSource);
    process.stdout.write(
      applied.length === 0
        ? 'schema is up to date\n'
        : applied.map((migration) => `applied ${migration.name}\n`).join(''),
    );
  });
}
