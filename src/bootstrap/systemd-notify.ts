import { execFile } from 'node:child_process';

export const SYSTEMD_NOTIFY = '/usr/bin/systemd-notify';

export type NotifyOutcome =
  | { readonly kind: 'not-requested' }
  | { readonly kind: 'notified' }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Tells systemd (Type=notify) that the service is ready, when NOTIFY_SOCKET is set.
 * Node has no Unix datagram sockets, so this runs `systemd-notify --ready`; the unit
 * needs `NotifyAccess=all` (contrib/systemd/automx2-nest.service has it).
 * Resolves to what happened, for the log; never rejects.
 */
export function notifySystemdReady(
  env: NodeJS.ProcessEnv = process.env,
  binary: string = SYSTEMD_NOTIFY,
): Promise<NotifyOutcome> {
  if (!env.NOTIFY_SOCKET) return Promise.resolve({ kind: 'not-requested' });
  return new Promise((resolve) => {
    execFile(
      binary,
      ['--ready', `--pid=${process.pid}`, '--status=serving'],
      { env, timeout: 5000 },
      (error) =>
        resolve(
          error
            ? { kind: 'failed', reason: `systemd-notify failed: ${error.message}` }
            : { kind: 'notified' },
        ),
    );
  });
}
