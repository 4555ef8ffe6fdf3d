import type { DomainView } from '../admin/admin-store';
import { sortFindings, type Finding } from './finding';
import { DATA_RULES } from './rules/data.rules';
import { K9_RULES } from './rules/k9.rules';
import { LDAP_RULES } from './rules/ldap.rules';
import { OUTLOOK_APPLE_RULES } from './rules/outlook-apple.rules';
import type { Rule } from './rules/rule';
import { THUNDERBIRD_RULES } from './rules/thunderbird.rules';

/** Every rule of the catalogue (docs/doctor.md), in the order findings are listed. */
export const RULES: readonly Rule[] = [
  ...K9_RULES,
  ...THUNDERBIRD_RULES,
  ...OUTLOOK_APPLE_RULES,
  ...DATA_RULES,
  ...LDAP_RULES,
];

/**
 * The rule engine: every rule of rules/ over one domain's stored settings (the admin
 * API's domain view), errors first. Pure: no I/O, no clock.
 */
export function diagnose(view: DomainView): Finding[] {
  return sortFindings(RULES.flatMap((rule) => rule(view)));
}
