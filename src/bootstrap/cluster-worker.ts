import 'reflect-metadata';
import cluster from 'node:cluster';
import { parseServeArgs } from './cli-args';
import { serve } from './serve';

/**
 * A cluster worker, forked by the primary (cluster.ts) with the primary's --host and
 * --port: the normal server, sharing the primary's listen socket.
 */
async function main(workerId: number): Promise<void> {
  const app = await serve(parseServeArgs(process.argv.slice(2)), { workerId });
  // The configuration was refused (exit code 2): the IPC channel to the primary
  // would keep this process alive.
  if (app === null) process.exit(process.exitCode ?? 1);
}

const worker = cluster.worker;
if (worker === undefined) {
  process.stderr.write('cluster-worker.js runs only as a worker of automx2-nest (workers > 1)\n');
  process.exitCode = 2;
} else {
  main(worker.id).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`fatal: worker ${worker.id}: ${message}\n`);
    process.exit(1);
  });
}
