import type { ComponentChildren } from 'preact';
import { errorId } from '../field-ids';

/**
 * Labelled inputs of the editor. Each carries the API's problem for its field, if any:
 * `aria-invalid` and the message in `<id>-error`, referenced by `aria-describedby`.
 */

interface FieldProps {
  readonly id: string;
  readonly label: string;
  readonly error: string | undefined;
}

function ErrorText({ id, error }: { readonly id: string; readonly error: string | undefined }) {
  return error === undefined ? null : (
    <p id={errorId(id)} class="field-error">
      {error}
    </p>
  );
}

function invalidProps(id: string, error: string | undefined) {
  return error === undefined
    ? {}
    : { 'aria-invalid': 'true' as const, 'aria-describedby': errorId(id) };
}

interface TextFieldProps extends FieldProps {
  /** null shows as empty (a nullable column holding none). */
  readonly value: string | null;
  readonly onValue: (text: string) => void;
  readonly type?: 'text' | 'password';
  readonly inputMode?: 'numeric';
  /** Takes two grid columns on wide screens (host names, URLs). */
  readonly wide?: boolean;
}

export function TextField({
  id,
  label,
  error,
  value,
  onValue,
  type,
  inputMode,
  wide,
}: TextFieldProps) {
  return (
    <div class={wide === true ? 'field wide' : 'field'}>
      <label for={id}>{label}</label>
      <input
        id={id}
        type={type ?? 'text'}
        {...(inputMode && { inputMode })}
        autocomplete="off"
        spellcheck={false}
        value={value ?? ''}
        onInput={(event) => onValue(event.currentTarget.value)}
        {...invalidProps(id, error)}
      />
      <ErrorText id={id} error={error} />
    </div>
  );
}

interface SelectFieldProps extends FieldProps {
  readonly value: string;
  readonly options: readonly string[];
  readonly onValue: (text: string) => void;
}

/** A choice of the usual values, plus the stored one as it is when it is none of them. */
export function SelectField({ id, label, error, value, options, onValue }: SelectFieldProps) {
  const choices = options.includes(value) ? options : [value, ...options];
  const change = (event: { currentTarget: HTMLSelectElement }) =>
    onValue(event.currentTarget.value);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={change} onInput={change} {...invalidProps(id, error)}>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {options.includes(choice)
              ? choice
              : `${choice === '' ? '(empty)' : choice} (as stored)`}
          </option>
        ))}
      </select>
      <ErrorText id={id} error={error} />
    </div>
  );
}

interface CheckFieldProps extends FieldProps {
  readonly checked: boolean;
  readonly onValue: (checked: boolean) => void;
}

export function CheckField({ id, label, error, checked, onValue }: CheckFieldProps) {
  return (
    <div class="field check">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(event) => onValue(event.currentTarget.checked)}
        {...invalidProps(id, error)}
      />
      <label for={id}>{label}</label>
      <ErrorText id={id} error={error} />
    </div>
  );
}

/** A titled part of the domain page: `<section aria-labelledby>` with its h3. */
export function Section({
  id,
  title,
  children,
}: {
  readonly id: string;
  readonly title: string;
  readonly children: ComponentChildren;
}) {
  return (
    <section aria-labelledby={`${id}-title`} class="panel" id={id}>
      <h3 id={`${id}-title`}>{title}</h3>
      {children}
    </section>
  );
}
