import { ValidateBy, type ValidationArguments } from 'class-validator';
import { portProblem, textProblem, type PortKind, type TextRuleOptions } from './field-rules';

/** Constraint names, for ordering a property's failures (see seed-document.ts). */
export const PORT_RANGE = 'portRange';
export const STORABLE_TEXT = 'storableText';

type Rule = (value: unknown, object: object) => string | undefined;

/**
 * A rule of field-rules.ts as a class-validator constraint. Its message is
 * `<property> <problem>`, like class-validator's own; values of another JSON type pass
 * (IsInt / IsString report them).
 */
function followsRule(name: string, rule: Rule): PropertyDecorator {
  const problem = (args?: ValidationArguments) => rule(args?.value, args?.object ?? {});
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        rule(value, args?.object ?? {}) === undefined,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property ?? 'value'} ${problem(args) ?? 'is invalid'}`,
    },
  });
}

/** An integer port for `kind`, which may depend on the object (a server's type). */
export function IsPort(kind: PortKind | ((object: object) => PortKind)): PropertyDecorator {
  return followsRule(PORT_RANGE, (value, object) =>
    typeof value === 'number'
      ? portProblem(value, typeof kind === 'function' ? kind(object) : kind)
      : undefined,
  );
}

/** Text without control characters, lone surrogates or U+FFFE/U+FFFF. */
export function IsStorableText(options: TextRuleOptions = {}): PropertyDecorator {
  return followsRule(STORABLE_TEXT, (value) =>
    typeof value === 'string' ? textProblem(value, options) : undefined,
  );
}
