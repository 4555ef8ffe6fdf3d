import 'reflect-metadata';
import { parseServeArgs, UsageError } from './bootstrap/cli-args';
import { CliError } from './cli/cli.errors';
import { describeBuild } from './common/build-info';
import { DomainError } from './common/domain-error';
import { classifyDatabaseError } from './database/database-errors';

const USAGE = `usage: automx2-nest <command>
  serve [--host H] [--port P]   run the HTTP service (the default command)
  migrate                       create or upgrade the database schema
  check-config                  run the checks of start-up (configuration, signing files),
                                then reach the database and look for its tables
  export [FILE]                 write every row as JSON (docs/export-format.md) to FILE or stdout
  import [--merge|--replace] FILE
                                load an export or a seeding document (version 2), from FILE
                                or - (stdin), in one transaction; without a flag only into
                                an empty database; --merge adds or replaces its domains by
                                name; --replace deletes everything first
  dns DOMAIN [--target HOST] [--autodiscover-host HOST] [--ttl SECONDS]
                                print the DNS records to publish for DOMAIN (zone-file syntax)
  doctor [DOMAIN…] [--live] [--json] [--dns-server HOST[:PORT]]… [--ca-file FILE]
         [--https-port N] [--timeout SECONDS]
                                what each client will do wrong with the stored settings of
                                DOMAIN (default: every domain); --live also checks DNS, TLS,
                                the mail servers and LDAP over the network; exit 1 when any
                                finding is an error or a DOMAIN is unknown
  token create NAME | list | revoke NAME [--file FILE]
                                manage the admin API's tokens in FILE or admin_tokens_file:
                                create prints a new token once, list names and creation
                                times, revoke removes one; servers follow within 10 s
  help                          print this text
  --version                     print the version and the commit it was built from
Every command reads the same configuration (AUTOMX2_CONF or the standard locations,
AUTOMX2_DB_URI). Exit codes: 0 done, 1 failed, 2 usage or configuration error.`;

/** Dispatches to one command; each is loaded only when it runs (fast start-up). */
export async function runCli(argv: readonly string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { serve } = await import('./bootstrap/serve');
      await serve(parseServeArgs(rest));
      return;
    }
    case 'migrate':
      return (await import('./cli/migrate.command')).runMigrate(rest);
    case 'check-config':
      return (await import('./cli/check-config.command')).runCheckConfig(rest);
    case 'export':
      return (await import('./cli/export.command')).runExport(rest);
    case 'import':
      return (await import('./cli/import.command')).runImport(rest);
    case 'dns':
      return (await import('./cli/dns.command')).runDns(rest);
    case 'doctor':
      return (await import('./cli/doctor.command')).runDoctor(rest);
    case 'token':
      return (await import('./cli/token.command')).runToken(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    case '--version':
      process.stdout.write(`${describeBuild()}\n`);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** One message (or one line per problem) on stderr and the matching exit code. */
function report(error: unknown): void {
  const fail = (message: string, exitCode: number) => {
    process.stderr.write(`${message}\n`);
    process.exitCode = exitCode;
  };
  if (error instanceof UsageError) return fail(`${USAGE}\n${error.message}`, 2);
  if (error instanceof CliError) {
    return fail(
      error.message
        .split('\n')
        .map((line) => `error: ${line}`)
        .join('\n'),
      error.exitCode,
    );
  }
  if (error instanceof DomainError) return fail(`error: ${error.message}`, 1);
  if (classifyDatabaseError(error) === 'missing-table') {
    return fail('error: the database has no automx2 tables yet: run "automx2-nest migrate"', 1);
  }
  fail(`error: ${error instanceof Error ? error.message : String(error)}`, 1);
}

/** Runs the CLI with this process's arguments and sets the exit code (bin/automx2-nest.js). */
export function main(): void {
  runCli(process.argv.slice(2)).catch(report);
}

if (require.main === module) main();
