/** Helpers for p2p's unit tests. */
import net from 'node:net';

/**
 * Counts the socket writes made while `fn` runs (on this stack, a frame each), in every socket
 * of the process.
 */
export async function countSocketWrites(fn: () => Promise<void>): Promise<number> {
  const write = net.Socket.prototype.write;
  let writes = 0;
  net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
    writes++;
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof write;
  try {
    await fn();
  } finally {
    net.Socket.prototype.write = write;
  }
  return writes;
}
