import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The seeding document of the spec (test/fixtures/seed-example.json), as text. */
export const SEED_EXAMPLE_JSON = readFileSync(
  join(__dirname, '..', 'fixtures', 'seed-example.json'),
  'utf8',
);
