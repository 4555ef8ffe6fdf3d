import { useEffect, useRef, useState } from 'preact/hooks';
import type { DnsReport } from '../api-types';
import { recordLines } from '../dns-lines';
import { CopyButton } from './copy-button';
import { useApiReport } from './use-api-report';

interface DnsPanelProps {
  /** `api/v1/domains/<name>`. */
  readonly path: string;
  readonly revision: number;
}

const STATUS_CLEAR_MS = 4000;

/** The records to publish (what `automx2-nest dns` prints), with copy buttons. */
export function DnsPanel({ path, revision }: DnsPanelProps) {
  const [target, setTarget] = useState('');
  const { report, problem, load: loadPath } = useApiReport<DnsReport>();
  const [status, setStatus] = useState('');
  const clear = useRef<number | undefined>(undefined);

  const load = (host: string) => {
    const query = host.trim() === '' ? '' : `?target=${encodeURIComponent(host.trim())}`;
    return loadPath(`${path}/dns${query}`);
  };

  useEffect(() => {
    void load(target);
  }, [revision]);

  useEffect(() => () => window.clearTimeout(clear.current), []);

  const announce = (message: string) => {
    setStatus(message);
    window.clearTimeout(clear.current);
    clear.current = window.setTimeout(() => setStatus(''), STATUS_CLEAR_MS);
  };

  const lines = report?.records ?? [];
  const records = recordLines(lines);
  return (
    <>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void load(target);
        }}
      >
        <div class="field">
          <label for="dns-target">Host serving automx2-nest (CNAME target, optional)</label>
          <input
            id="dns-target"
            type="text"
            autocomplete="off"
            spellcheck={false}
            value={target}
            onInput={(event) => setTarget(event.currentTarget.value)}
          />
        </div>
        <button type="submit" class="secondary">
          Show records
        </button>
      </form>
      {problem !== null && (
        <p role="alert" class="alert">
          {problem}
        </p>
      )}
      <p class="inline-actions">
        <CopyButton text={lines.join('\n') + '\n'} label="Copy all" onDone={announce}>
          Copy all
        </CopyButton>
        <span role="status" class="copy-status">
          {status}
        </span>
      </p>
      <pre id="dns-records" tabIndex={0} aria-label="DNS records, zone file syntax">
        {lines.join('\n')}
      </pre>
      {records.length > 0 && (
        <>
          <h4>One record at a time</h4>
          <ul class="records">
            {records.map((record, index) => (
              <li key={`${index} ${record.line}`}>
                <code>{record.line}</code>{' '}
                <CopyButton
                  text={record.line}
                  label={`Copy ${record.name} ${record.type}`}
                  onDone={announce}
                >
                  Copy
                </CopyButton>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
