import 'reflect-metadata';
import { serve } from './bootstrap/serve';
import { parseServeArgs, UsageError } from './bootstrap/cli-args';
import { describeBuild } from './common/build-info';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length === 1 && args[0] === '--version') {
    process.stdout.write(`${describeBuild()}\n`);
    return;
  }
  let overrides;
  try {
    overrides = parseServeArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(
      `usage: main.js [--host HOST] [--port PORT] | --version\n${error.message}\n`,
    );
    process.exitCode = 2;
    return;
  }
  await serve(overrides);
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
