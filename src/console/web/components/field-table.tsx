import { textOrNull } from '../domain-form';
import { CheckField, SelectField, TextField } from './fields';

/**
 * The inputs of a server (mail, DAV or LDAP) described as a table: one descriptor per
 * field, in the order shown, rendered by `FieldInputs`; `RowList` adds the fieldset of
 * each row of a list with its Remove button, and the Add button after the rows.
 */

/** The fields of `Row` whose value is of type `Value`. */
type KeysOf<Row, Value> = {
  [Key in keyof Row]-?: Row[Key] extends Value ? Key : never;
}[keyof Row] &
  string;

interface TextLike<Row> {
  readonly field: KeysOf<Row, string | null>;
  readonly label: string;
}

export type FieldSpec<Row> =
  | (TextLike<Row> & {
      readonly kind: 'text';
      /** Takes two grid columns on wide screens (host names, URLs). */
      readonly wide?: boolean;
      /** Emptying the input means none (null). */
      readonly nullable?: boolean;
    })
  /** A secret, always nullable. */
  | (TextLike<Row> & { readonly kind: 'password' })
  /** Kept as typed: the API refuses what is not a whole number, naming the field. */
  | (TextLike<Row> & { readonly kind: 'number' })
  | (TextLike<Row> & { readonly kind: 'select'; readonly options: readonly string[] })
  | { readonly kind: 'checkbox'; readonly field: KeysOf<Row, boolean>; readonly label: string };

interface FieldInputsProps<Row> {
  readonly fields: readonly FieldSpec<Row>[];
  readonly row: Row;
  /** The id of a field's input (`servers-0-port`, `ldapserver-port`). */
  readonly inputId: (field: string) => string;
  /** The API's problem for an input id, if any. */
  readonly error: (inputId: string) => string | undefined;
  readonly onChange: (change: Partial<Row>) => void;
}

export function FieldInputs<Row>({ fields, row, inputId, error, onChange }: FieldInputsProps<Row>) {
  return (
    <div class="fields">
      {fields.map((spec) => {
        const id = inputId(spec.field);
        const value: unknown = row[spec.field];
        // The descriptor's field has the type its kind edits (see KeysOf), so the value fits.
        const set = (next: string | boolean | null) =>
          onChange({ [spec.field]: next } as Partial<Row>);
        const common = { id, label: spec.label, error: error(id) };
        const text = typeof value === 'string' ? value : null;
        switch (spec.kind) {
          case 'checkbox':
            return (
              <CheckField key={spec.field} {...common} checked={value === true} onValue={set} />
            );
          case 'select':
            return (
              <SelectField
                key={spec.field}
                {...common}
                value={text ?? ''}
                options={spec.options}
                onValue={set}
              />
            );
          case 'number':
            return (
              <TextField
                key={spec.field}
                {...common}
                inputMode="numeric"
                value={text}
                onValue={set}
              />
            );
          case 'password':
            return (
              <TextField
                key={spec.field}
                {...common}
                type="password"
                value={text}
                onValue={(typed) => set(textOrNull(typed))}
              />
            );
          case 'text':
            return (
              <TextField
                key={spec.field}
                {...common}
                wide={spec.wide}
                value={text}
                onValue={(typed) => set(spec.nullable === true ? textOrNull(typed) : typed)}
              />
            );
        }
      })}
    </div>
  );
}

interface RowListProps<Row extends { readonly key: number }> {
  /** `server` or `DAV server`: the legends say `Server 1`, the buttons `Remove server 1`. */
  readonly noun: string;
  readonly rows: readonly Row[];
  readonly fields: readonly FieldSpec<Row>[];
  readonly inputId: (index: number, field: string) => string;
  readonly error: (inputId: string) => string | undefined;
  readonly onRows: (update: (rows: readonly Row[]) => readonly Row[]) => void;
  readonly newRow: (rows: readonly Row[]) => Row;
}

/** One fieldset per row of a list, each with its Remove button; then the Add button. */
export function RowList<Row extends { readonly key: number }>({
  noun,
  rows,
  fields,
  inputId,
  error,
  onRows,
  newRow,
}: RowListProps<Row>) {
  const legend = noun.charAt(0).toUpperCase() + noun.slice(1);
  return (
    <>
      {rows.map((row, index) => (
        <fieldset key={row.key} class="row">
          <legend>{`${legend} ${index + 1}`}</legend>
          <FieldInputs
            fields={fields}
            row={row}
            inputId={(field) => inputId(index, field)}
            error={error}
            onChange={(change) =>
              onRows((before) =>
                before.map((other, at) => (at === index ? { ...other, ...change } : other)),
              )
            }
          />
          <button
            type="button"
            class="secondary"
            onClick={() => onRows((before) => before.filter((_, at) => at !== index))}
          >
            {`Remove ${noun} ${index + 1}`}
          </button>
        </fieldset>
      ))}
      <p>
        <button
          type="button"
          class="secondary"
          onClick={() => onRows((before) => [...before, newRow(before)])}
        >
          {`Add ${noun}`}
        </button>
      </p>
    </>
  );
}
