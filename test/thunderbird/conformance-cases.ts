import { accountDifferences } from './compare-account';
import type { DataSetName } from './conformance-data';
import { readDomainRows, type DomainRows } from './database-rows';
import { expectAccount, type Expectation } from './expected-account';
import { fetchDocument } from './service-documents';
import type { ThunderbirdVersion } from './thunderbird-cache';
import type {
  DocumentKind,
  OAuth2Query,
  ServedResponse,
  TbAccount,
  ThunderbirdCase,
  ThunderbirdOutput,
} from './thunderbird-runner';
import {
  aLabel,
  thunderbirdAuthMethod,
  thunderbirdServerType,
  typedAddress,
} from './thunderbird-vocabulary';

export const FORMATS: readonly DocumentKind[] = ['autoconfig', 'autodiscover'];
export const REAL_NAME = 'Jane Doe';

/** One document our service served, with the rows it should reflect. */
export interface ConformanceCase {
  readonly id: string;
  readonly dataSet: DataSetName;
  readonly format: DocumentKind;
  readonly address: string;
  readonly response: ServedResponse;
  /** undefined: the database has no such domain. */
  readonly rows: DomainRows | undefined;
}

export type Outcome = 'match' | 'limitation' | 'no-config' | 'failure';

export interface Verdict {
  readonly id: string;
  readonly thunderbird: string;
  readonly dataSet: DataSetName;
  readonly format: DocumentKind;
  readonly address: string;
  readonly outcome: Outcome;
  readonly accepted: boolean;
  readonly limitations: readonly string[];
  /** Differences from what the database says: each one fails the case. */
  readonly problems: readonly string[];
  readonly exception?: string;
  readonly log: readonly string[];
  readonly derived?: TbAccount;
  readonly expected: Expectation;
  readonly response: ServedResponse;
}

export const caseId = (dataSet: DataSetName, format: DocumentKind, address: string) =>
  `${dataSet} ${format} ${address}`;

/** Fetches every document of a data set from the running service. */
export async function collectCases(
  dataSet: DataSetName,
  addresses: readonly string[],
  baseUrl: string,
  dbFile: string,
): Promise<ConformanceCase[]> {
  const cases: ConformanceCase[] = [];
  for (const address of addresses) {
    const rows = readDomainRows(dbFile, typedAddress(address).domain);
    for (const format of FORMATS) {
      const response = await fetchDocument(baseUrl, format, address);
      cases.push({
        id: caseId(dataSet, format, address),
        dataSet,
        format,
        address,
        response,
        rows,
      });
    }
  }
  return cases;
}

export const thunderbirdCases = (cases: readonly ConformanceCase[]): ThunderbirdCase[] =>
  cases.map(({ id, format, address, response }) => ({
    id,
    kind: format,
    email: address,
    realName: REAL_NAME,
    response,
  }));

/** Hosts with OAuth2 in the data: Thunderbird's OAuth2Providers decides about them. */
export function oauth2Queries(cases: readonly ConformanceCase[]): OAuth2Query[] {
  const queries = new Map<string, OAuth2Query>();
  for (const row of cases.flatMap((c) => c.rows?.servers ?? [])) {
    const type = thunderbirdServerType(row.type);
    if (type === undefined || thunderbirdAuthMethod(row.authentication) !== 'OAuth2') continue;
    const hostname = aLabel(row.name);
    queries.set(`${hostname} ${type}`, { hostname, type });
  }
  return [...queries.values()];
}

/** Compares what one Thunderbird version made of each case with the database rows. */
export function judge(
  version: ThunderbirdVersion,
  cases: readonly ConformanceCase[],
  output: ThunderbirdOutput,
): Verdict[] {
  const providers = new Set(
    output.oauth2.filter((o) => o.provider).map((o) => `${o.hostname} ${o.type}`),
  );
  return cases.map((testCase) => {
    const result = output.results.find((r) => r.id === testCase.id);
    if (result === undefined) throw new Error(`no Thunderbird result for ${testCase.id}`);
    const address = typedAddress(testCase.address);
    const expected = expectAccount({
      format: testCase.format,
      address,
      rows: testCase.rows?.servers ?? [],
      providerDomains: testCase.rows?.providerDomains ?? [],
      oauth2Provider: (hostname, type) => providers.has(`${hostname} ${type}`),
    });
    const problems = accountDifferences(expected, result, address);
    const outcome: Outcome =
      problems.length > 0
        ? 'failure'
        : expected.noConfig
          ? 'no-config'
          : expected.limitations.length > 0
            ? 'limitation'
            : 'match';
    return {
      id: testCase.id,
      thunderbird: version.version,
      dataSet: testCase.dataSet,
      format: testCase.format,
      address: testCase.address,
      outcome,
      accepted: result.accepted,
      limitations: expected.limitations,
      problems,
      exception: result.exception,
      log: result.log,
      derived: result.account,
      expected,
      response: testCase.response,
    };
  });
}
