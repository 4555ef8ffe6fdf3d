import { writeFileSync } from 'node:fs';
import { loadCliConfig, withDatabase } from './cli-context';
import { CliError } from './cli.errors';
import { parseCommandArgs } from './command-args';
import { containsSecrets, documentFromSnapshot, serialiseDocument } from './export-document';

/** `export [file.json]`: every row as an export document, to the file or stdout. */
export async function runExport(argv: readonly string[]): Promise<void> {
  const args = parseCommandArgs('export', argv, {}, { min: 0, max: 1 });
  const file = args.positionals[0];
  const loaded = loadCliConfig();
  if (!loaded) return;
  const document = await withDatabase(loaded, async (connection) => {
    const { ExportRepository } = await import('../database/export.repository');
    return documentFromSnapshot(await new ExportRepository(connection).snapshot());
  });
  if (containsSecrets(document)) {
    process.stderr.write(
      'warning: the export contains LDAP bind credentials (bind_user, bind_password): ' +
        'keep it as secret as the database\n',
    );
  }
  const text = serialiseDocument(document);
  if (file === undefined || file === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    // Owner-only for a new file: the document may hold bind passwords.
    writeFileSync(file, text, { mode: 0o600 });
  } catch (error) {
    throw new CliError(`${file}: cannot write: ${(error as Error).message}`);
  }
  process.stderr.write(
    `exported ${document.domains.length} domains of ${document.providers.length} providers to ${file}\n`,
  );
}
