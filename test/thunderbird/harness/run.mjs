/**
 * Runs cases through Thunderbird's account-setup code (start with
 * `node --import ./register.mjs run.mjs`, THUNDERBIRD_DIR set). Reads JSON on stdin:
 *   { cases: [{ id, kind: "autoconfig" | "autodiscover", email, realName,
 *               response: { status, statusText, contentType, body } }],
 *     oauth2Queries: [{ hostname, type }] }
 * and prints { results, oauth2 } as JSON: for each case whether Thunderbird accepted the
 * document or the exception it threw, and the account it derives, after
 * AccountConfig.replaceVariables as the account hub applies it.
 */
import { takeLog } from './case-log.mjs';
import { loadThunderbird } from './thunderbird-api.mjs';
import { setResponder } from './xhr.mjs';

/** Where each kind's document is served: the first URL Thunderbird tries. */
const DOCUMENTS = {
  autoconfig: { host: 'autoconfig.', path: '/mail/config-v1.1.xml' },
  autodiscover: { host: 'autodiscover.', path: '/autodiscover/autodiscover.xml' },
};
const PASSWORD = 'not-a-real-password';

const names = (values) => Object.fromEntries(Object.entries(values).map(([k, v]) => [v, k]));
const SOCKET_TYPES = names(Ci.nsMsgSocketType);
const AUTH_METHODS = names(Ci.nsMsgAuthMethod);

function errorText(error) {
  if (error instanceof AggregateError) {
    return `${error.message}: ${error.errors.map(errorText).join(' | ')}`;
  }
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String(error.message);
  }
  return String(error);
}

function describeServer(server) {
  return {
    type: server.type,
    hostname: server.hostname,
    port: server.port,
    socketType: SOCKET_TYPES[server.socketType] ?? String(server.socketType),
    auth: AUTH_METHODS[server.auth] ?? String(server.auth),
    username: server.username,
  };
}

/**
 * The account as the user gets it. Each incoming server is filled in the way the account
 * hub does when the user picks it: it becomes `incoming`, then replaceVariables runs.
 * Outgoing alternatives are never offered or filled in; they are reported as parsed.
 */
function describeAccount(tb, config, testCase) {
  const fill = (account) =>
    tb.AccountConfig.replaceVariables(account, testCase.realName, testCase.email, '');
  const incoming = [config.incoming, ...config.incomingAlternatives].map((_, index) => {
    const copy = config.copy();
    const servers = [copy.incoming, ...copy.incomingAlternatives];
    copy.incoming = servers[index];
    copy.incomingAlternatives = servers.filter((_, other) => other !== index);
    fill(copy);
    return describeServer(copy.incoming);
  });
  const filled = config.copy();
  fill(filled);
  return {
    incoming,
    outgoing: filled.outgoing.hostname ? describeServer(filled.outgoing) : null,
    useGlobalOutgoing: !filled.outgoing.hostname && filled.outgoing.useGlobalPreferredServer,
    outgoingAlternatives: filled.outgoingAlternatives.map(describeServer),
    domains: [...config.domains],
  };
}

async function runCase(tb, testCase) {
  const requests = [];
  const where = DOCUMENTS[testCase.kind];
  setResponder((request) => {
    const url = new URL(request.url);
    requests.push({ method: request.method, url: request.url });
    const served =
      url.protocol === 'https:' &&
      url.hostname.startsWith(where.host) &&
      url.pathname === where.path;
    return served ? testCase.response : null;
  });
  const domain = testCase.email.slice(testCase.email.lastIndexOf('@') + 1);
  const outcome = { id: testCase.id, accepted: false, requests };
  let config;
  try {
    config =
      testCase.kind === 'autoconfig'
        ? await tb.autoconfig(domain, testCase.email)
        : await tb.autodiscover(domain, testCase.email, PASSWORD);
  } catch (error) {
    return { ...outcome, stage: 'discovery', exception: errorText(error), log: takeLog() };
  }
  try {
    const account = describeAccount(tb, config, testCase);
    return { ...outcome, accepted: true, account, log: takeLog() };
  } catch (error) {
    return { ...outcome, stage: 'replaceVariables', exception: errorText(error), log: takeLog() };
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const input = await readStdin();
const tb = await loadThunderbird();
const results = [];
for (const testCase of input.cases) results.push(await runCase(tb, testCase));
const oauth2 = (input.oauth2Queries ?? []).map(({ hostname, type }) => ({
  hostname,
  type,
  provider: tb.hasOAuth2Provider(hostname, type),
}));
// Thunderbird's request timers would keep the process alive for seconds: exit once written.
process.stdout.write(`${JSON.stringify({ results, oauth2 })}\n`, () => process.exit(0));
