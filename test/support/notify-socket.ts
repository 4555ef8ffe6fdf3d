import { spawn, type ChildProcess } from 'node:child_process';

export interface NotifyListener {
  readonly child: ChildProcess;
  /** Each datagram received, newlines as spaces (`READY=1 STATUS=serving MAINPID=…`). */
  readonly messages: string[];
}

/** A Unix datagram listener (python3) at `socketPath` that records what systemd would receive. */
export function listenForNotify(socketPath: string): Promise<NotifyListener> {
  const script = [
    'import socket, sys',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
    `s.bind(${JSON.stringify(socketPath)})`,
    'print("listening", flush=True)',
    'while True:',
    '    data = s.recv(4096)',
    '    print(data.decode().replace("\\n", " "), flush=True)',
  ].join('\n');
  const child = spawn('python3', ['-c', script]);
  const messages: string[] = [];
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        if (line === 'listening') resolve({ child, messages });
        else messages.push(line);
      }
    });
    child.on('error', reject);
  });
}
