import { spawn } from 'node:child_process';

/** How a script run by runNode ended, with everything it wrote. */
export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `script` (dist/cli.js, dist/main.js) with a fresh Node, only the environment
 * given (plus PATH), in `cwd`, with `stdin` as its input (none by default); resolves
 * when it exits.
 */
export function runNode(
  script: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly stdin?: string },
): Promise<Finished> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...options.env };
  const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
