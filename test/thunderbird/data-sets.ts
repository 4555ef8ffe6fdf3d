import { readImportDocument } from '../../src/provisioning/import-document';
import { SchemaService } from '../../src/database/schema.service';
import { SeedRepository } from '../../src/database/seed.repository';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';
import type { TestApp } from '../support/test-app';
import type { TestDatabase } from '../support/test-databases';
import { RICH_EXPORT_DOCUMENT, RICH_UNUSABLE_ROWS_SQL, type DataSetName } from './conformance-data';

/**
 * Loads a data set into the (empty) database of a running service: the sample data
 * with GET /initdb/, the spec's example seed with POST /initdb/, the rich data as an
 * export document through the import path (`automx2-nest import` reads it the same way),
 * plus rows only plain SQL can write.
 */
export async function loadDataSet(
  name: DataSetName,
  app: TestApp,
  db: TestDatabase,
): Promise<void> {
  switch (name) {
    case 'sample':
      return expectPrepared(await fetch(`${app.url}/initdb/`));
    case 'seed-example':
      return expectPrepared(
        await fetch(`${app.url}/initdb/`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: SEED_EXAMPLE_JSON,
        }),
      );
    case 'rich': {
      await app.app.get(SchemaService).migrate();
      const { plan } = readImportDocument(JSON.stringify(RICH_EXPORT_DOCUMENT));
      const outcome = await app.app.get(SeedRepository).loadIntoEmpty(plan);
      if (outcome !== 'loaded') throw new Error(`rich data not loaded: ${outcome}`);
      await db.sql(RICH_UNUSABLE_ROWS_SQL);
      return;
    }
  }
}

async function expectPrepared(response: Response): Promise<void> {
  const body = await response.text();
  if (response.status !== 200 || !body.includes('Database is now prepared')) {
    throw new Error(`/initdb/ answered ${response.status}: ${body}`);
  }
}
