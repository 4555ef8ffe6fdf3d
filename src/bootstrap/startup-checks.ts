import type { AppConfig } from '../config/app-config';
import {
  ConfigProblems,
  inspectConfig,
  type LoadedConfig,
  type LoadOptions,
} from '../config/load-config';

/** What start-up would refuse, found by the code start-up runs. */
export interface StartupCheck {
  /** The configuration that would run; null when it has problems of its own. */
  readonly config: AppConfig | null;
  /** Unknown keys and doubtful settings, also when there are problems. */
  readonly warnings: readonly string[];
  /** One line each: the configuration's, then those of the files it names. */
  readonly problems: readonly string[];
}

/**
 * Every check start-up makes before it serves: the configuration (file, keys, values,
 * environment) and the files it names that start-up reads, the signing certificate, key
 * and chain (loadProfileSigner: RSA, unencrypted, the key belongs to the certificate),
 * and the admin API's token file (checkTokenFile: readable and well-formed if present).
 * `serve` refuses to start on any problem (loadStartupConfig); `check-config` lists them.
 */
export async function checkStartup(options: LoadOptions = {}): Promise<StartupCheck> {
  const inspection = inspectConfig(options);
  const fileProblems = await signingProblems(inspection.config);
  const tokens = await adminTokenFileCheck(inspection.config);
  return {
    config: inspection.problems.length === 0 ? inspection.config : null,
    warnings: [...inspection.warnings, ...tokens.warnings],
    problems: [...inspection.problems, ...fileProblems, ...tokens.problems],
  };
}

/** checkStartup for `serve`: the configuration, or ConfigProblems naming every problem. */
export async function loadStartupConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const { config, warnings, problems } = await checkStartup(options);
  if (config === null || problems.length > 0) throw new ConfigProblems(problems, warnings);
  return { config, warnings };
}

/** The problems of the signing files, as start-up (and a reload) reports them. */
async function signingProblems(config: AppConfig): Promise<readonly string[]> {
  if (config.mobileconfigSigning === null) return [];
  // Loaded only when profiles are signed (node-forge is not small).
  const { loadProfileSigner } = await import('../mobileconfig/profile-signer');
  try {
    loadProfileSigner(config);
    return [];
  } catch (error) {
    if (error instanceof ConfigProblems) return error.problems;
    throw error;
  }
}

/** The token file's problems and warnings (none while the admin API is off). */
async function adminTokenFileCheck(
  config: AppConfig,
): Promise<{ readonly problems: readonly string[]; readonly warnings: readonly string[] }> {
  if (config.admin.tokensFile === null) return { problems: [], warnings: [] };
  const { checkTokenFile } = await import('../admin/auth/token-file-check');
  return checkTokenFile(config);
}
