import { useEffect, useState } from 'preact/hooks';
import { apiPath } from '../api';
import type { PreviewReport } from '../api-types';
import { errorId } from '../field-ids';
import { useApiReport } from './use-api-report';

interface PreviewPanelProps {
  readonly domain: string;
  /** Changes after each save: the preview is asked for again. */
  readonly revision: number;
}

/**
 * What Thunderbird, Outlook, Apple devices and K-9 get for one address, side by side:
 * the account each sets up in one line, and the document (from the server's own
 * renderers, through `GET /preview`).
 */
export function PreviewPanel({ domain, revision }: PreviewPanelProps) {
  const [address, setAddress] = useState(`someone@${domain}`);
  const {
    report,
    problem,
    inputProblem: addressError,
    loading,
    load,
  } = useApiReport<PreviewReport>('address');

  const run = (text: string) => load(apiPath('preview', { address: text.trim() }));

  useEffect(() => {
    void run(address);
    // Asked again after each save, for the address shown then.
  }, [revision]);

  return (
    <>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void run(address);
        }}
        noValidate
      >
        <div class="field">
          <label for="preview-address">Address</label>
          <input
            id="preview-address"
            type="email"
            autocomplete="off"
            spellcheck={false}
            value={address}
            onInput={(event) => setAddress(event.currentTarget.value)}
            {...(addressError !== undefined && {
              'aria-invalid': 'true',
              'aria-describedby': errorId('preview-address'),
            })}
          />
          {addressError !== undefined && (
            <p id={errorId('preview-address')} class="field-error">
              {addressError}
            </p>
          )}
        </div>
        <button type="submit" disabled={loading}>
          Preview
        </button>
      </form>
      {problem !== null && (
        <p role="alert" class="alert">
          {problem}
        </p>
      )}
      {report !== null && (
        <div class="previews" aria-busy={loading}>
          {report.clients.map((client) => (
            <article
              key={client.client}
              class="client-preview"
              data-client={client.client}
              data-accepted={client.accepted ? 'true' : 'false'}
              aria-labelledby={`preview-${client.client}-title`}
            >
              <h4 id={`preview-${client.client}-title`}>{client.label}</h4>
              <p class="summary" id={`summary-${client.client}`}>
                {client.summary}
              </p>
              <p class="meta">
                <span class={client.accepted ? 'badge ok' : 'badge bad'}>
                  {client.accepted ? 'account set up' : 'no account'}
                </span>{' '}
                HTTP {client.status}
                {client.content_type === null ? '' : `, ${client.content_type}`}
              </p>
              <p class="request">
                <code>{client.request}</code>
              </p>
              <details>
                <summary>Document</summary>
                <pre tabIndex={0}>{client.document === '' ? '(no body)' : client.document}</pre>
              </details>
            </article>
          ))}
        </div>
      )}
    </>
  );
}
