import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadCliConfig, withDatabase } from './cli-context';
import { parseCommandArgs } from './command-args';
import { emptyTally } from './export-document';

/**
 * `export [file.json]`: every row as an export document, streamed from one database read
 * (export-stream.ts) to the file or stdout. The file is replaced only once the document
 * is complete (replace-file.ts).
 */
export async function runExport(argv: readonly string[]): Promise<void> {
  const args = parseCommandArgs('export', argv, {}, { min: 0, max: 1 });
  const file = args.positionals[0];
  const toStdout = file === undefined || file === '-';
  const loaded = loadCliConfig();
  if (!loaded) return;
  const tally = emptyTally();
  await withDatabase(loaded, async (connection) => {
    const [{ ExportRepository }, { exportDocumentStream }, { replaceFile }] = await Promise.all([
      import('../database/export.repository'),
      import('./export-stream'),
      import('./replace-file'),
    ]);
    const document = exportDocumentStream(new ExportRepository(connection), { tally });
    await (toStdout ? toStandardOutput(document) : replaceFile(file, document));
  });
  if (tally.containsSecrets) {
    process.stderr.write(
      'warning: the export contains LDAP bind credentials (bind_user, bind_password): ' +
        'keep it as secret as the database\n',
    );
  }
  if (!toStdout) {
    process.stderr.write(
      `exported ${tally.domains} domains of ${tally.providers} providers to ${file}\n`,
    );
  }
}

/** Standard output stays open afterwards (other output may follow). */
function toStandardOutput(document: Readable): Promise<void> {
  return pipeline(document, process.stdout, { end: false });
}
