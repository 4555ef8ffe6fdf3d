import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** How long open connections may still deliver a request once draining has begun. */
export const DRAIN_GRACE_MS = 2000;

/**
 * Graceful shutdown of keep-alive connections, on the Node server both adapters use.
 *
 * Closing an HTTP server destroys its idle keep-alive connections at once, and under
 * load "idle" includes a connection whose client has just written its next request:
 * that client gets a reset. So draining first stops accepting (the listener closes,
 * new connections are refused) but leaves open connections alone for up to
 * {@link DRAIN_GRACE_MS}: every answer that has not sent its headers yet — in flight or
 * arriving meanwhile — goes out with `Connection: close`, and Node ends its connection
 * after it. Whatever is still open afterwards has been idle throughout and is closed
 * by the application's own close.
 */
export interface ConnectionDrain {
  /** Starts draining; resolves when no connection is open or the grace time is over. */
  readonly drain: () => Promise<void>;
}

export function trackConnections(server: Server, graceMs = DRAIN_GRACE_MS): ConnectionDrain {
  const responses = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let draining: Promise<void> | null = null;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (draining !== null) {
      response.shouldKeepAlive = false;
      return;
    }
    responses.add(response);
    response.once('close', () => responses.delete(response));
  });
  const allClosed = () =>
    new Promise<void>((resolve) => {
      const deadline = setTimeout(resolve, graceMs);
      deadline.unref();
      const check = () => {
        if (sockets.size > 0) return;
        clearTimeout(deadline);
        resolve();
      };
      for (const socket of sockets) socket.once('close', check);
      check();
    });
  return {
    drain: () => {
      if (draining !== null) return draining;
      for (const response of responses) {
        if (!response.headersSent) response.shouldKeepAlive = false;
      }
      responses.clear();
      // The listener only: http.Server#close would also destroy idle connections.
      NetServer.prototype.close.call(server);
      draining = allClosed();
      return draining;
    },
  };
}
