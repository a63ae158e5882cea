/**
 * The agent's mesh (DESIGN §8): service VIPs, DNS names and NodePorts proxied to ready
 * endpoints — local pods at their loopback address, remote ones through libp2p streams to the
 * agent that hosts them — with NetworkPolicy enforced on the destination side and per-service
 * metrics. Fed one NodeDesired at a time.
 *
 *   const mesh = createMesh(
 *     { nodeName, nodeIp: '127.0.1.2', relays: [serverMultiaddr] },
 *     { gossip, clock, peers: peerBook },
 *   );
 *   await mesh.start();
 *   mesh.setDesired(doc);                       // on every applied NodeDesired
 *   const policy = createMeshOutgoingPolicy(mesh, pod);  // for a wasm pod
 */
import type { Clock, Startable } from '@wisp/core';
import {
  connectPodLoopback,
  MeshConnector,
  type ConnectLocal,
  type MeshGossip,
} from './mesh-connector.ts';
import {
  revokedByPolicy,
  serveTunnel,
  type InboundContext,
  type InboundTunnel,
} from './mesh-inbound.ts';
import { OutgoingPool } from './outgoing-pool.ts';
import { MeshMetrics, meshMetricsText } from './mesh-metrics.ts';
import { meshProtocol, type TunnelSource } from './mesh-protocol.ts';
import { asDuplex } from './tunnel.ts';
import { buildMeshState, emptyMeshState, type MeshDocument, type MeshState } from './mesh-state.ts';
import { NodePortListeners } from './node-port-listeners.ts';
import type { PeerBook } from './peer-book.ts';
import type { MeshEndpoint, MeshService, Resolution } from './service-table.ts';

export const meshDefaults = {
  nodeIp: '0.0.0.0',
  connectTimeoutMs: 5_000,
  /** Endpoints tried for one connection before the client sees a failure. */
  connectAttemptsMax: 3,
} as const;

export interface MeshInit {
  readonly nodeName: string;
  /** Where NodePorts listen; agents sharing a machine use 127.0.1.N each. */
  readonly nodeIp?: string;
  /** Multiaddrs of relay peers (the control plane, site relays) for peers with no direct route. */
  readonly relays?: readonly string[];
  readonly connectTimeoutMs?: number;
  readonly connectAttemptsMax?: number;
  /** Default true; the benchmark and some tests run without listeners. */
  readonly nodePorts?: boolean;
}

export interface MeshComponents {
  readonly gossip: MeshGossip;
  readonly clock: Clock;
  readonly peers: Pick<PeerBook, 'identity'>;
  /** Default: TCP to the pod's loopback address. */
  readonly connectLocal?: ConnectLocal;
  readonly onError?: (e: unknown) => void;
}

export interface Mesh extends Startable {
  setDesired(doc: MeshDocument): Promise<void>;
  state(): MeshState;
  resolve(host: string, port: number, namespace: string): Resolution | undefined;
  /** `attempt` with a ready endpoint of a service port, then others on failure (connector). */
  withEndpoint<T>(
    serviceKey: string,
    portName: string,
    source: TunnelSource,
    attempt: (service: MeshService, endpoint: MeshEndpoint) => Promise<T>,
  ): Promise<T>;
  /** Kept connections for pods' outgoing HTTP, dropped when a new mesh state no longer admits. */
  readonly outgoing: OutgoingPool;
  readonly metrics: MeshMetrics;
  metricsText(): string;
  nodePorts(): number[];
}

export function createMesh(init: MeshInit, c: MeshComponents): Mesh {
  const d = { ...meshDefaults, ...init };
  let state = emptyMeshState;
  const metrics = new MeshMetrics();
  const connectLocal = c.connectLocal ?? connectPodLoopback(c.clock);
  const connector = new MeshConnector({
    nodeName: init.nodeName,
    relays: init.relays ?? [],
    connectTimeoutMs: d.connectTimeoutMs,
    connectAttemptsMax: d.connectAttemptsMax,
    gossip: c.gossip,
    clock: c.clock,
    metrics,
    state: () => state,
    connectLocal,
  });
  const outgoing = new OutgoingPool(
    {},
    {
      clock: c.clock,
      connect: async ({ serviceKey, endpoint, source }) => {
        const upstream = await connector.connectEndpoint({ key: serviceKey }, endpoint, source);
        metrics.opened(serviceKey);
        return asDuplex(upstream);
      },
    },
  );
  const listeners = new NodePortListeners({
    nodeIp: d.nodeIp,
    connector,
    metrics,
    ...(c.onError ? { onError: c.onError } : {}),
  });
  let off: (() => void) | undefined;
  let running = false;
  const inbound = new Set<InboundTunnel>();
  const inboundContext: InboundContext = {
    clock: c.clock,
    connectTimeoutMs: d.connectTimeoutMs,
    metrics,
    state: () => state,
    identity: (peer) => c.peers.identity(peer),
    connectLocal,
    ...(c.onError ? { onError: c.onError } : {}),
    track(tunnel) {
      inbound.add(tunnel);
      return () => inbound.delete(tunnel);
    },
  };

  async function reconcileNodePorts(): Promise<void> {
    if (!running || init.nodePorts === false) return;
    const targets = state.table.nodePorts().map(({ service, port, nodePort }) => ({
      serviceKey: service.key,
      portName: port.name,
      nodePort,
    }));
    await listeners.reconcile(targets);
  }

  return {
    metrics,
    outgoing,
    async start() {
      running = true;
      off = c.gossip.handleStream(meshProtocol, (stream, from) => {
        void serveTunnel(stream, from, inboundContext).catch((e) => c.onError?.(e));
      });
      await reconcileNodePorts();
    },
    async stop() {
      running = false;
      off?.();
      outgoing.destroy();
      await listeners.closeAll();
    },
    async setDesired(doc) {
      state = buildMeshState(doc);
      // Kept connections were opened under the old state: keep those it still admits.
      outgoing.flush((t) => connector.stillAdmits(t.serviceKey, t.endpoint, t.source));
      // And a NetworkPolicy may now deny callers whose tunnels to pods here are open.
      for (const tunnel of inbound) {
        const why = revokedByPolicy(tunnel, inboundContext);
        if (why) {
          metrics.error(tunnel.header.service, 'denied');
          tunnel.close(why);
        }
      }
      await reconcileNodePorts();
    },
    state: () => state,
    resolve: (host, port, namespace) => state.table.resolve(host, port, namespace),
    withEndpoint: (key, portName, source, attempt) =>
      connector.withEndpoint(key, portName, source, attempt),
    metricsText: () => meshMetricsText(metrics),
    nodePorts: () => listeners.ports(),
  };
}
