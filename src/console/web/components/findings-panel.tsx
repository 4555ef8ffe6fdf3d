import { useEffect, useState } from 'preact/hooks';
import { CLIENT_LABELS, type ClientId } from '../../../doctor/finding';
import type { Finding, FindingsReport, Severity } from '../api-types';
import { fieldToInputId } from '../field-ids';
import { useApiReport } from './use-api-report';

interface FindingsPanelProps {
  /** `api/v1/domains/<name>`. */
  readonly path: string;
  readonly revision: number;
}

const SEVERITY_LABELS: Readonly<Record<Severity, string>> = {
  error: 'Error',
  warning: 'Warning',
  info: 'Info',
};

/** The doctor's findings for the domain; live checks (DNS, TLS, mail servers) on demand. */
export function FindingsPanel({ path, revision }: FindingsPanelProps) {
  const { report, problem, loading, load: loadPath } = useApiReport<FindingsReport>();
  const [askedLive, setAskedLive] = useState(false);
  const running = loading ? (askedLive ? 'live' : 'stored') : null;

  const load = (live: boolean) => {
    setAskedLive(live);
    return loadPath(`${path}/findings${live ? '?live=1' : ''}`);
  };

  useEffect(() => {
    void load(false);
  }, [revision]);

  const findings = report?.findings ?? [];
  return (
    <>
      <p class="inline-actions">
        <button type="button" disabled={running !== null} onClick={() => void load(true)}>
          Run live checks
        </button>
        <span role="status" class="run-status">
          {running === 'live'
            ? 'Running live checks…'
            : report?.live === true
              ? 'Live checks included.'
              : ''}
        </span>
      </p>
      {problem !== null && (
        <p role="alert" class="alert">
          {problem}
        </p>
      )}
      <ul id="findings" aria-label="Findings" class="findings">
        {findings.map((finding, index) => (
          <FindingItem key={`${finding.rule} ${index}`} finding={finding} />
        ))}
      </ul>
      {report !== null && findings.length === 0 && <p id="no-findings">No findings.</p>}
      {report?.live === true && (
        <>
          <h4>Passed checks</h4>
          {report.passed.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul id="passed-checks" class="passed">
              {report.passed.map((check) => (
                <li key={check}>{check}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}

function FindingItem({ finding }: { readonly finding: Finding }) {
  const inputId = finding.field === undefined ? null : fieldToInputId(finding.field);
  const clients = finding.clients.map(clientLabel).join(', ');
  return (
    <li data-rule={finding.rule} data-severity={finding.severity} class="finding">
      <p class="finding-head">
        <span class={`severity ${finding.severity}`}>{SEVERITY_LABELS[finding.severity]}</span>{' '}
        <strong>{finding.subject}</strong>
        {clients !== '' && <span class="clients"> · {clients}</span>}
      </p>
      <p>{finding.effect}</p>
      <p>
        <span class="label">Fix:</span> {finding.fix}
      </p>
      <p class="finding-foot">
        <code>{finding.rule}</code>
        {inputId !== null && (
          <>
            {' '}
            <button
              type="button"
              class="link"
              onClick={() => {
                const input = document.getElementById(inputId);
                input?.scrollIntoView({ block: 'center' });
                input?.focus();
              }}
            >
              Go to field {finding.field}
            </button>
          </>
        )}
      </p>
    </li>
  );
}

function clientLabel(client: string): string {
  return client in CLIENT_LABELS ? CLIENT_LABELS[client as ClientId] : client;
}
