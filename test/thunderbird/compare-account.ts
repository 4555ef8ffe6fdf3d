import type { Expectation } from './expected-account';
import type { ExpectedServer } from './thunderbird-limitations';
import type { TbServer, ThunderbirdResult } from './thunderbird-runner';
import { comparableUsername, type TypedAddress } from './thunderbird-vocabulary';

const FIELDS = ['type', 'hostname', 'port', 'socketType', 'auth', 'username'] as const;

const label = (server: { hostname: string; port: number }) => `${server.hostname}:${server.port}`;

function compareServer(
  where: string,
  expected: ExpectedServer,
  derived: TbServer,
  address: TypedAddress,
): string[] {
  return FIELDS.flatMap((field) => {
    const [want, got] =
      field === 'username'
        ? [
            comparableUsername(expected.username, address),
            comparableUsername(derived.username, address),
          ]
        : [expected[field], derived[field]];
    return want === got
      ? []
      : [
          `${where} (${label(expected)}) ${field}: expected ${String(want)}, Thunderbird has ${String(got)}`,
        ];
  });
}

function compareList(
  where: string,
  expected: readonly ExpectedServer[],
  derived: readonly TbServer[],
  address: TypedAddress,
): string[] {
  const problems = expected.flatMap((server, index) => {
    const got = derived[index];
    if (got === undefined) return [`${where}[${index}] (${label(server)}): missing in Thunderbird`];
    return compareServer(`${where}[${index}]`, server, got, address);
  });
  for (const extra of derived.slice(expected.length)) {
    problems.push(`${where}: Thunderbird has an unexpected server ${label(extra)}`);
  }
  return problems;
}

/**
 * Every way the account Thunderbird derived differs from the expectation (empty: it
 * matches), each problem one readable line.
 */
export function accountDifferences(
  expected: Expectation,
  result: ThunderbirdResult,
  address: TypedAddress,
): string[] {
  if (!expected.accepted) {
    return result.accepted
      ? ['Thunderbird accepted a document it should not get an account from']
      : [];
  }
  const account = result.account;
  if (!result.accepted || account === undefined) {
    return [`Thunderbird rejected it (${result.stage}): ${result.exception}`];
  }
  const problems = compareList('incoming', expected.incoming, account.incoming, address);
  if (expected.outgoing === null) {
    if (account.outgoing !== null || !account.useGlobalOutgoing) {
      problems.push('outgoing: expected none (the default SMTP server), Thunderbird has one');
    }
  } else if (account.outgoing === null) {
    problems.push(`outgoing (${label(expected.outgoing)}): missing in Thunderbird`);
  } else {
    problems.push(...compareServer('outgoing', expected.outgoing, account.outgoing, address));
  }
  problems.push(
    ...compareList(
      'outgoingAlternatives',
      expected.outgoingAlternatives,
      account.outgoingAlternatives,
      address,
    ),
  );
  const [want, got] = [[...expected.domains].sort(), [...account.domains].sort()];
  if (want.join(' ') !== got.join(' ')) {
    problems.push(`domains: expected ${want.join(', ')}, Thunderbird has ${got.join(', ')}`);
  }
  return problems;
}
