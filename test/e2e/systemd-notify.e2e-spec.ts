import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyConfigFile } from '../support/config-file';
import { DIST_MAIN, ensureBuilt } from '../support/dist';
import { listenForNotify } from '../support/notify-socket';

describe('systemd readiness (NOTIFY_SOCKET)', () => {
  let dir: string;

  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'automx2-notify-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sends READY=1 once the server listens', async () => {
    const socketPath = join(dir, 'notify.sock');
    const listener = await listenForNotify(socketPath);
    const server = spawn(process.execPath, [DIST_MAIN, '--host', '127.0.0.1', '--port', '0'], {
      env: { ...process.env, NOTIFY_SOCKET: socketPath, AUTOMX2_CONF: emptyConfigFile(dir) },
    });
    try {
      const deadline = Date.now() + 20_000;
      while (!listener.messages.some((m) => m.includes('READY=1')) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(listener.messages.join(' ')).toContain('READY=1');
      expect(listener.messages.join(' ')).toContain(`MAINPID=${server.pid}`);
    } finally {
      server.kill('SIGTERM');
      listener.child.kill('SIGKILL');
    }
  });
});
