import type { MergeReport } from '../../database/plan-merge';
import type { ImportDocumentKind } from '../../provisioning/import-document';
import type { SeedPlan } from '../../provisioning/plan';

/** The answer to `POST /import?mode=merge`: what changed, counted. */
export interface MergeSummary {
  readonly mode: 'merge';
  readonly kind: ImportDocumentKind;
  readonly added: number;
  readonly replaced: number;
  readonly merged_away: number;
  readonly removed: {
    readonly servers: number;
    readonly davservers: number;
    readonly ldapservers: number;
    readonly providers: number;
  };
}

/** The answer to `POST /import?mode=replace`: the rows the database holds now. */
export interface ReplaceSummary {
  readonly mode: 'replace';
  readonly kind: ImportDocumentKind;
  readonly providers: number;
  readonly domains: number;
  readonly servers: number;
  readonly davservers: number;
  readonly ldapservers: number;
}

export type ImportSummary = MergeSummary | ReplaceSummary;

/** Counts of a merge (`import --merge` prints the names; an API answer stays small). */
export function mergeSummary(kind: ImportDocumentKind, report: MergeReport): MergeSummary {
  return {
    mode: 'merge',
    kind,
    added: report.added.length,
    replaced: report.replaced.length,
    merged_away: report.mergedAway.length,
    removed: {
      servers: report.removed.servers,
      davservers: report.removed.davServers,
      ldapservers: report.removed.ldapServers,
      providers: report.removed.providers,
    },
  };
}

/** Counts of a replacement: the plan's rows, every one of them inserted. */
export function replaceSummary(kind: ImportDocumentKind, plan: SeedPlan): ReplaceSummary {
  return {
    mode: 'replace',
    kind,
    providers: plan.providers.length,
    domains: plan.domains.length,
    servers: plan.servers.length,
    davservers: plan.davServers.length,
    ldapservers: plan.ldapServers.length,
  };
}
