/** Where signals come from: the process, or a stand-in in tests. */
export interface SignalSource {
  on(event: 'SIGHUP', listener: () => void): unknown;
}

/**
 * SIGHUP from the start of the process on. Node's default for SIGHUP ends the process,
 * so the handler is installed before anything else; a hangup that arrives before the
 * reload can run (the server is still starting) is remembered and runs once it can.
 */
export class Hangups {
  private handler: (() => void) | null = null;
  private pending = false;

  constructor(target: SignalSource = process) {
    target.on('SIGHUP', () => {
      if (this.handler) this.handler();
      else this.pending = true;
    });
  }

  /** From now on each SIGHUP calls `handler` (at once for one that came earlier). */
  handleWith(handler: () => void): void {
    this.handler = handler;
    if (!this.pending) return;
    this.pending = false;
    handler();
  }
}
