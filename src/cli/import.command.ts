import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { UsageError } from '../bootstrap/cli-args';
import { DomainError } from '../common/domain-error';
import type { SeedPlan } from '../provisioning/plan';
import type { MergeReport } from '../database/plan-merge';
import type { SeedRepository } from '../database/seed.repository';
import { loadCliConfig, withDatabase } from './cli-context';
import { CliError } from './cli.errors';
import { parseCommandArgs } from './command-args';
import { readImportDocument, type ImportDocument } from '../provisioning/import-document';

type ImportMode = 'empty-only' | 'merge' | 'replace';

/**
 * `import [--merge | --replace] <file.json | ->`: an export document or a seeding
 * document of version 2, validated completely before the database is touched, then
 * written in one transaction. Without a flag the database must have no rows.
 */
export async function runImport(argv: readonly string[]): Promise<void> {
  const args = parseCommandArgs(
    'import',
    argv,
    { merge: { type: 'boolean' }, replace: { type: 'boolean' } },
    { min: 1, max: 1 },
  );
  if (args.values.merge && args.values.replace) {
    throw new UsageError('import: --merge and --replace exclude each other');
  }
  const mode: ImportMode = args.values.merge
    ? 'merge'
    : args.values.replace
      ? 'replace'
      : 'empty-only';
  const file = args.positionals[0] ?? '-';
  const loaded = loadCliConfig();
  if (!loaded) return;
  const document = readDocument(file);
  await withDatabase(loaded, async (connection) => {
    const [{ SeedRepository }, { DataChanges }, { runMigrationsExclusively }] = await Promise.all([
      import('../database/seed.repository'),
      import('../database/data-changes'),
      import('../database/schema-migrations'),
    ]);
    const applied = await runMigrationsExclusively(connection.dataSource);
    for (const migration of applied) process.stderr.write(`applied ${migration.name}\n`);
    // A process of its own, without caches: running servers are told below.
    const seeds = new SeedRepository(connection, new DataChanges());
    try {
      await load(seeds, mode, document);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'INVALID_SEED') {
        throw new CliError(`nothing imported: ${error.message}`);
      }
      throw error;
    }
    await announceImport(connection.dataSource);
  });
}

/**
 * Tells running servers on PostgreSQL, after the commit, to drop their caches (they
 * LISTEN: ChangeBroadcast); elsewhere they see the import within cache_ttl. The import
 * stands even when this fails, so it is a warning, not an error.
 */
async function announceImport(dataSource: DataSource): Promise<void> {
  const { notifyChange } = await import('../database/change-broadcast');
  try {
    await notifyChange(dataSource, randomUUID());
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    process.stderr.write(
      `warning: running servers were not told of the import (${reason}); ` +
        'they see it within cache_ttl\n',
    );
  }
}

function readDocument(file: string): ImportDocument {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CliError(`${file}: cannot read: ${(error as Error).message}`);
  }
  try {
    return readImportDocument(text);
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'INVALID_SEED') throw error;
    const name = file === '-' ? 'stdin' : file;
    throw new CliError(
      error.message
        .split('\n')
        .map((problem) => `${name}: invalid: ${problem}`)
        .join('\n'),
    );
  }
}

async function load(seeds: SeedRepository, mode: ImportMode, document: ImportDocument) {
  const { kind, plan } = document;
  const label = kind === 'export' ? 'export document' : 'seeding document (version 2)';
  switch (mode) {
    case 'empty-only': {
      const outcome = await seeds.loadIntoEmpty(plan);
      if (outcome === 'already-populated') {
        throw new CliError(
          'the database already contains data, nothing imported: use --merge to add or ' +
            'replace domains, or --replace to delete everything first',
        );
      }
      process.stdout.write(`imported ${label}: ${counts(plan)}\n`);
      return;
    }
    case 'replace':
      await seeds.replaceAll(plan);
      process.stdout.write(`replaced all data with ${label}: ${counts(plan)}\n`);
      return;
    case 'merge':
      process.stdout.write(mergeSummary(await seeds.mergeDomains(plan)));
      return;
  }
}

function counts(plan: SeedPlan): string {
  const n = (count: number, one: string, many = `${one}s`) =>
    `${count} ${count === 1 ? one : many}`;
  return [
    n(plan.providers.length, 'provider'),
    n(plan.domains.length, 'domain'),
    n(plan.servers.length, 'server'),
    n(plan.davServers.length, 'DAV server'),
    n(plan.ldapServers.length, 'LDAP server'),
  ].join(', ');
}

export function mergeSummary(report: MergeReport): string {
  const lines = [
    ...report.added.map((name) => `added domain ${name}`),
    ...report.replaced.map((name) => `replaced domain ${name}`),
    ...report.mergedAway.map((name) => `deleted ${name} (another spelling of a replaced domain)`),
  ];
  const { servers, davServers, ldapServers, providers } = report.removed;
  const removed = [
    [servers, 'server'],
    [davServers, 'DAV server'],
    [ldapServers, 'LDAP server'],
    [providers, 'provider'],
  ] as const;
  for (const [count, what] of removed) {
    if (count > 0)
      lines.push(`deleted ${count} ${what}${count === 1 ? '' : 's'} no longer used by any domain`);
  }
  return lines.map((line) => `${line}\n`).join('');
}
