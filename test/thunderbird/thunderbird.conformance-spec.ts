import 'reflect-metadata';
import { ADDRESSES, type DataSetName } from './conformance-data';
import {
  caseId,
  collectCases,
  FORMATS,
  judge,
  oauth2Queries,
  REAL_NAME,
  thunderbirdCases,
  type Verdict,
} from './conformance-cases';
import { ConformanceReport } from './conformance-report';
import { sqliteFile } from './database-rows';
import { loadDataSet } from './data-sets';
import { readShippedDocument } from './shipped-isp';
import { describeWithThunderbird, THUNDERBIRD_CACHE } from './thunderbird-cache';
import { runThunderbird } from './thunderbird-runner';
import { useAppOnDatabase } from '../support/test-app';

/**
 * Thunderbird's own account-setup modules (Debian's thunderbird package, every cached
 * version, run unmodified by harness/) read every document our service produces for
 * the sample data, the spec's example seed and the rich data of conformance-data.ts.
 * Each case must be accepted, and the account Thunderbird derives must be what the
 * database rows say, except where THUNDERBIRD_LIMITATIONS says exactly what Thunderbird
 * does instead. Fill the cache with scripts/fetch-thunderbird.sh.
 */

const DATA_SETS: readonly DataSetName[] = ['sample', 'seed-example', 'rich'];
const SLOW = 180_000;

describeWithThunderbird('Thunderbird conformance', (versions) => {
  const report = new ConformanceReport(versions);

  beforeAll(() => {
    const names = versions.map((v) => `Thunderbird ${v.version} (Debian ${v.debianVersion})`);
    process.stdout.write(
      `\nThunderbird conformance: ${names.join(', ')} from ${THUNDERBIRD_CACHE}\n`,
    );
  });
  afterAll(() => report.write());

  describe('the harness, first, on documents Thunderbird ships', () => {
    for (const version of versions) {
      it(`Thunderbird ${version.version} ships at least one isp/*.xml`, () => {
        expect(version.ispDocuments.length).toBeGreaterThan(0);
      });
      for (const shipped of version.ispDocuments.map(readShippedDocument)) {
        it(`Thunderbird ${version.version} accepts its own ${shipped.name}`, async () => {
          const { email, response } = shipped;
          const output = await runThunderbird(version, [
            { id: 'isp', kind: 'autoconfig', email, realName: REAL_NAME, response },
          ]);
          const result = output.results[0]!;
          expect(result.exception).toBeUndefined();
          expect(result.account?.incoming[0]).toEqual(shipped.incoming);
          expect(result.account?.outgoing).toEqual(shipped.outgoing);
        });
      }
    }
  });

  for (const dataSet of DATA_SETS) {
    describe(`data set "${dataSet}"`, () => {
      const env = useAppOnDatabase('sqlite-file');
      const verdicts = new Map<string, Verdict>();
      const verdict = (version: string, id: string) => {
        const found = verdicts.get(`${version} ${id}`);
        if (found === undefined) throw new Error(`no verdict for Thunderbird ${version}: ${id}`);
        return found;
      };

      beforeAll(async () => {
        await loadDataSet(dataSet, env.app, env.db);
        const file = sqliteFile(env.db.dbUri);
        const cases = await collectCases(dataSet, ADDRESSES[dataSet], env.app.url, file);
        for (const version of versions) {
          const output = await runThunderbird(
            version,
            thunderbirdCases(cases),
            oauth2Queries(cases),
          );
          const judged = judge(version, cases, output);
          report.add(judged);
          for (const one of judged) verdicts.set(`${version.version} ${one.id}`, one);
        }
      }, SLOW);

      for (const version of versions) {
        for (const address of ADDRESSES[dataSet]) {
          for (const format of FORMATS) {
            it(`Thunderbird ${version.version}: ${format} for ${address}`, () => {
              const { problems } = verdict(version.version, caseId(dataSet, format, address));
              expect(problems).toEqual([]);
            });
          }
        }
      }

      if (dataSet === 'sample') {
        for (const version of versions) {
          it(`Thunderbird ${version.version}: Autodiscover for example.com is STARTTLS on 143 and 587`, () => {
            const { derived } = verdict(
              version.version,
              caseId('sample', 'autodiscover', 'alice@example.com'),
            );
            expect(derived?.incoming[0]).toMatchObject({
              type: 'imap',
              port: 143,
              socketType: 'alwaysSTARTTLS',
            });
            expect(derived?.outgoing).toMatchObject({
              type: 'smtp',
              port: 587,
              socketType: 'alwaysSTARTTLS',
            });
          });
        }
      }
    });
  }
});
