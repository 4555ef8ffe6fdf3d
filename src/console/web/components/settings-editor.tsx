import { useEffect, useState } from 'preact/hooks';
import { ApiError, callApi, errorMessage } from '../api';
import type { DomainView, Problem } from '../api-types';
import {
  bodyFromForm,
  formFromView,
  newDavServer,
  newLdapServer,
  newServer,
  type DavServerForm,
  type DomainForm,
  type LdapServerForm,
  type ServerForm,
} from '../domain-form';
import { listInputId, objectInputId } from '../field-ids';
import { isErrorBody, placeProblems } from '../problems';
import { FieldInputs, RowList, type FieldSpec } from './field-table';

const PROVIDER_INPUTS: readonly FieldSpec<DomainForm['provider']>[] = [
  { kind: 'text', field: 'name', label: 'Name' },
  { kind: 'text', field: 'short_name', label: 'Short name' },
];

/** The inputs of a mail server, in the order shown. */
const SERVER_INPUTS: readonly FieldSpec<ServerForm>[] = [
  { kind: 'select', field: 'type', label: 'Type', options: ['imap', 'pop', 'smtp'] },
  { kind: 'text', field: 'name', label: 'Host', wide: true },
  { kind: 'number', field: 'port', label: 'Port' },
  {
    kind: 'select',
    field: 'socket_type',
    label: 'Socket type',
    options: ['SSL', 'STARTTLS', 'Auto', 'None', 'plain'],
  },
  { kind: 'text', field: 'user_name', label: 'User name' },
  { kind: 'text', field: 'authentication', label: 'Authentication' },
  { kind: 'number', field: 'prio', label: 'Prio' },
];

/** The inputs of a CalDAV or CardDAV server. */
const DAV_INPUTS: readonly FieldSpec<DavServerForm>[] = [
  { kind: 'select', field: 'type', label: 'Type', options: ['caldav', 'carddav'] },
  { kind: 'text', field: 'url', label: 'URL', wide: true },
  { kind: 'number', field: 'port', label: "Port (0: the URL's)" },
  { kind: 'text', field: 'user_name', label: 'User name', nullable: true },
  { kind: 'checkbox', field: 'use_ssl', label: 'Use TLS' },
  { kind: 'checkbox', field: 'domain_required', label: 'Domain required in user name' },
];

/** The inputs of the LDAP server. */
const LDAP_INPUTS: readonly FieldSpec<LdapServerForm>[] = [
  { kind: 'text', field: 'name', label: 'Host' },
  { kind: 'number', field: 'port', label: 'Port' },
  { kind: 'checkbox', field: 'use_ssl', label: 'Use TLS' },
  { kind: 'text', field: 'search_base', label: 'Search base' },
  { kind: 'text', field: 'search_filter', label: 'Search filter ({0}: the address)' },
  { kind: 'text', field: 'attr_uid', label: 'User id attribute' },
  { kind: 'text', field: 'attr_cn', label: 'Name attribute', nullable: true },
  { kind: 'text', field: 'bind_user', label: 'Bind user', nullable: true },
  { kind: 'password', field: 'bind_password', label: 'Bind password' },
];

interface SettingsEditorProps {
  /** `api/v1/domains/<name>`. */
  readonly path: string;
  readonly view: DomainView;
  readonly etag: string;
  readonly onSaved: (view: DomainView, etag: string) => void;
  readonly onReload: () => Promise<void>;
}

type Outcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'saved' }
  | { readonly kind: 'conflict' }
  | {
      readonly kind: 'refused';
      readonly byInput: ReadonlyMap<string, string>;
      readonly other: readonly Problem[];
    }
  | { readonly kind: 'failed'; readonly message: string };

const NO_PROBLEMS: ReadonlyMap<string, string> = new Map();

/**
 * The domain's settings as a form; Save replaces them with `PUT` and `If-Match` of the
 * loaded view's ETag, so a change made meanwhile by someone else is never overwritten.
 */
export function SettingsEditor({ path, view, etag, onSaved, onReload }: SettingsEditorProps) {
  const [form, setForm] = useState<DomainForm>(() => formFromView(view));
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });

  useEffect(() => setForm(formFromView(view)), [view]);

  const problems = outcome.kind === 'refused' ? outcome.byInput : NO_PROBLEMS;
  const error = (id: string) => problems.get(id);

  const save = async (event: Event) => {
    event.preventDefault();
    setOutcome({ kind: 'saving' });
    try {
      const answer = await callApi<DomainView>(path, {
        method: 'PUT',
        body: bodyFromForm(form),
        ifMatch: etag,
      });
      if ((answer.status === 200 || answer.status === 201) && answer.body !== null) {
        setOutcome({ kind: 'saved' });
        onSaved(answer.body, answer.etag ?? '');
      } else if (answer.status === 412) {
        setOutcome({ kind: 'conflict' });
      } else if (answer.status === 400 && isErrorBody(answer.body)) {
        setOutcome({ kind: 'refused', ...placeProblems(answer.body) });
      } else if (answer.status === 401) {
        setOutcome({ kind: 'none' });
      } else {
        setOutcome({ kind: 'failed', message: errorMessage(answer) });
      }
    } catch (caught) {
      setOutcome({
        kind: 'failed',
        message: caught instanceof ApiError ? caught.message : String(caught),
      });
    }
  };

  return (
    <form class="editor" onSubmit={(event) => void save(event)} noValidate>
      <fieldset>
        <legend>Provider</legend>
        <FieldInputs
          fields={PROVIDER_INPUTS}
          row={form.provider}
          inputId={(field) => objectInputId('provider', field)}
          error={error}
          onChange={(change) =>
            setForm((before) => ({ ...before, provider: { ...before.provider, ...change } }))
          }
        />
      </fieldset>

      <h4>Mail servers</h4>
      <p class="hint">Clients are answered in prio order (lowest first).</p>
      <RowList
        noun="server"
        rows={form.servers}
        fields={SERVER_INPUTS}
        inputId={(index, field) => listInputId('servers', index, field)}
        error={error}
        onRows={(update) => setForm((before) => ({ ...before, servers: update(before.servers) }))}
        newRow={newServer}
      />

      <h4>CalDAV and CardDAV servers</h4>
      {form.davservers.length === 0 && <p class="hint">None.</p>}
      <RowList
        noun="DAV server"
        rows={form.davservers}
        fields={DAV_INPUTS}
        inputId={(index, field) => listInputId('davservers', index, field)}
        error={error}
        onRows={(update) =>
          setForm((before) => ({ ...before, davservers: update(before.davservers) }))
        }
        newRow={newDavServer}
      />

      <h4>LDAP server</h4>
      {form.ldapserver === null ? (
        <p>
          <span class="hint">None. </span>
          <button
            type="button"
            class="secondary"
            onClick={() => setForm((before) => ({ ...before, ldapserver: newLdapServer() }))}
          >
            Add LDAP server
          </button>
        </p>
      ) : (
        <LdapFields
          ldap={form.ldapserver}
          error={error}
          onChange={(change) =>
            setForm((before) => ({
              ...before,
              ldapserver: before.ldapserver && { ...before.ldapserver, ...change },
            }))
          }
          onRemove={() => setForm((before) => ({ ...before, ldapserver: null }))}
        />
      )}

      <div class="actions">
        <button type="submit" disabled={outcome.kind === 'saving'}>
          Save
        </button>
        <p role="status" class="save-status">
          {outcome.kind === 'saved' ? 'Saved' : outcome.kind === 'saving' ? 'Saving…' : ''}
        </p>
      </div>
      {outcome.kind === 'conflict' && (
        <div role="alert" class="alert">
          <p>This domain was changed meanwhile; your changes were not saved.</p>
          <button
            type="button"
            onClick={() => {
              setOutcome({ kind: 'none' });
              void onReload();
            }}
          >
            Reload
          </button>
        </div>
      )}
      {outcome.kind === 'failed' && (
        <p role="alert" class="alert">
          {outcome.message}
        </p>
      )}
      {outcome.kind === 'refused' && (
        <div role="alert" class="alert">
          <p>Not saved: fix the marked fields.</p>
          {outcome.other.length > 0 && (
            <ul class="problems">
              {outcome.other.map((problem, index) => (
                <li key={index}>
                  {problem.field === undefined
                    ? problem.error
                    : `${problem.field}: ${problem.error}`}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}

interface LdapFieldsProps {
  readonly ldap: LdapServerForm;
  readonly error: (id: string) => string | undefined;
  readonly onChange: (change: Partial<LdapServerForm>) => void;
  readonly onRemove: () => void;
}

function LdapFields({ ldap, error, onChange, onRemove }: LdapFieldsProps) {
  return (
    <fieldset class="row">
      <legend>LDAP server</legend>
      <FieldInputs
        fields={LDAP_INPUTS}
        row={ldap}
        inputId={(field) => objectInputId('ldapserver', field)}
        error={error}
        onChange={onChange}
      />
      <button type="button" class="secondary" onClick={onRemove}>
        Remove LDAP server
      </button>
    </fieldset>
  );
}
