/** TCP ports as clients can use them: the one definition for the write path and answers. */
export const PORT_MIN = 1;
export const PORT_MAX = 65535;

/** Whether a stored port can be handed to a client (a real TCP port). */
export function isServicePort(port: number): boolean {
  return Number.isInteger(port) && port >= PORT_MIN && port <= PORT_MAX;
}
