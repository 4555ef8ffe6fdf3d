import { checkStartup } from '../bootstrap/startup-checks';
import { EXIT_CONFIG_ERROR } from './cli.errors';
import { parseCommandArgs } from './command-args';
import { checkDatabase } from './database-check';

/**
 * `check-config`: the checks start-up runs (startup-checks.ts), then the database:
 * reachable, with automx2's tables. Lists every problem and warning on stderr. Exit
 * code 2 when the server would refuse to start, 1 when it would start but not be ready
 * (the database unreachable or without its tables), else 0.
 */
export async function runCheckConfig(argv: readonly string[]): Promise<void> {
  parseCommandArgs('check-config', argv, {}, { min: 0, max: 0 });
  const { config, warnings, problems } = await checkStartup();
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  for (const problem of problems) process.stderr.write(`config error: ${problem}\n`);
  if (config === null) {
    process.stderr.write('database: not checked, the configuration has problems\n');
    process.exitCode = EXIT_CONFIG_ERROR;
    return;
  }
  process.stdout.write(`configuration: ${config.sourceFile ?? '(none, defaults)'}\n`);
  const database = await checkDatabase(config);
  if (database.ok) process.stdout.write(`${database.line}\n`);
  else process.stderr.write(`${database.line}\n`);
  if (problems.length > 0) process.exitCode = EXIT_CONFIG_ERROR;
  else if (!database.ok) process.exitCode = 1;
}
