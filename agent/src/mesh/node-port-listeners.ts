/**
 * One TCP listener per NodePort on the node IP, reconciled against each document: new ports
 * open, removed ones close (their live connections stay until they end). Each connection is
 * proxied to a ready endpoint of the service, wherever it runs.
 */
import net from 'node:net';
import type { MeshConnector } from './mesh-connector.ts';
import type { MeshMetrics } from './mesh-metrics.ts';
import { spliceUpstream } from './socket-splice.ts';

export interface NodePortTarget {
  readonly serviceKey: string;
  readonly portName: string;
  readonly nodePort: number;
}

export interface NodePortContext {
  readonly nodeIp: string;
  readonly connector: MeshConnector;
  readonly metrics: MeshMetrics;
  readonly onError?: (e: unknown) => void;
}

interface Listener {
  readonly server: net.Server;
  target: NodePortTarget;
}

export class NodePortListeners {
  readonly #ctx: NodePortContext;
  readonly #listeners = new Map<number, Listener>();

  constructor(ctx: NodePortContext) {
    this.#ctx = ctx;
  }

  ports(): number[] {
    return [...this.#listeners.keys()];
  }

  /** Opens, retargets and closes listeners to match `targets`. */
  async reconcile(targets: readonly NodePortTarget[]): Promise<void> {
    const wanted = new Map(targets.map((t) => [t.nodePort, t]));
    for (const [port, l] of this.#listeners) {
      if (!wanted.has(port)) {
        this.#listeners.delete(port);
        l.server.close();
      }
    }
    const opening: Promise<void>[] = [];
    for (const [port, target] of wanted) {
      const held = this.#listeners.get(port);
      if (held) held.target = target;
      else opening.push(this.#open(target));
    }
    await Promise.all(opening);
  }

  async closeAll(): Promise<void> {
    const servers = [...this.#listeners.values()].map((l) => l.server);
    this.#listeners.clear();
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  async #open(target: NodePortTarget): Promise<void> {
    const listener: Listener = {
      target,
      server: net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
        void this.#serve(socket, listener.target);
      }),
    };
    this.#listeners.set(target.nodePort, listener);
    await new Promise<void>((resolve) => {
      listener.server.once('error', (e) => {
        this.#listeners.delete(target.nodePort);
        this.#ctx.onError?.(e);
        resolve();
      });
      listener.server.listen({ host: this.#ctx.nodeIp, port: target.nodePort }, resolve);
    });
  }

  async #serve(socket: net.Socket, target: NodePortTarget): Promise<void> {
    socket.on('error', () => undefined);
    socket.pause();
    const source = { ip: stripV4Mapped(socket.remoteAddress ?? '') };
    try {
      const { upstream } = await this.#ctx.connector.connectService(
        target.serviceKey,
        target.portName,
        source,
      );
      const result = await spliceUpstream(socket, upstream);
      this.#ctx.metrics.bytes(target.serviceKey, result.bytesIn, result.bytesOut);
    } catch {
      socket.destroy();
    }
  }
}

function stripV4Mapped(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
