import { parseArgs } from 'node:util';
import type { CommandLineOverrides } from '../config/load-config';

export class UsageError extends Error {}

/** `--host H --port P` (also `--host=H`); anything else is a usage error. */
export function parseServeArgs(argv: readonly string[]): CommandLineOverrides {
  let values: { host?: string; port?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { host: { type: 'string' }, port: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const overrides: { host?: string; port?: number } = {};
  if (values.host !== undefined) {
    if (!values.host.trim()) throw new UsageError('--host needs a value');
    overrides.host = values.host.trim();
  }
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) {
      throw new UsageError(`--port ${JSON.stringify(values.port)}: expected 0-65535`);
    }
    overrides.port = port;
  }
  return overrides;
}
