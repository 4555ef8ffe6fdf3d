import 'reflect-metadata';
import { serve } from './bootstrap/serve';
import { parseServeArgs, UsageError } from './bootstrap/cli-args';

async function main(): Promise<void> {
  let overrides;
  try {
    overrides = parseServeArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`usage: main.js [--host HOST] [--port PORT]\n${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  await serve(overrides);
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
