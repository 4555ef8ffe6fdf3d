import type { Socket } from 'node:net';

/** Longest reply read from a server; more is an error, never a growing buffer. */
export const MAX_REPLY_BYTES = 16 * 1024;

/**
 * Reads a line-based protocol (IMAP, POP3, SMTP) from a socket: `reply()` collects lines
 * until the dialect says the reply is complete, bounded in time and size. Unread data is
 * bounded too, also while no reply is awaited (after QUIT): beyond MAX_REPLY_BYTES the
 * socket is destroyed.
 */
export class LineReader {
  private buffer = '';
  /** Bytes received and not yet handed out as a reply. */
  private bytes = 0;
  private overflow = false;
  private lines: string[] = [];
  private ended: string | null = null;
  private wake: (() => void) | null = null;
  private readonly onData = (chunk: Buffer): void => {
    if (this.overflow) return;
    this.bytes += chunk.length;
    if (this.bytes > MAX_REPLY_BYTES) {
      this.overflow = true;
      this.buffer = '';
      this.lines = [];
      this.socket.destroy();
      this.wake?.();
      return;
    }
    this.buffer += chunk.toString('latin1');
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      this.lines.push(this.buffer.slice(0, newline).replace(/\r$/, ''));
      this.buffer = this.buffer.slice(newline + 1);
    }
    this.wake?.();
  };
  private readonly onEnd = (): void => {
    this.ended ??= 'the server closed the connection';
    this.wake?.();
  };

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
  }

  /** The lines of one reply, once `complete(lines)`; rejects on timeout, close or overflow. */
  reply(
    complete: (lines: readonly string[]) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`${what}: no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const finish = (error: Error | null): void => {
        clearTimeout(timer);
        this.wake = null;
        if (error) {
          this.socket.destroy();
          reject(error);
          return;
        }
        this.bytes = this.buffer.length;
        resolve(this.lines.splice(0));
      };
      this.wake = () => {
        if (this.overflow) finish(new Error(`${what}: reply longer than ${MAX_REPLY_BYTES} bytes`));
        else if (this.lines.length > 0 && complete(this.lines)) finish(null);
        else if (this.ended !== null) finish(new Error(`${what}: ${this.ended}`));
      };
      this.wake();
    });
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** Stops reading (before the socket is handed to TLS). */
  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
  }
}
