/**
 * The outbound half of the mesh: picks an endpoint for a service port and connects to it —
 * locally at the pod's loopback address, or through a `/wisp/v1/mesh/tcp` stream to the agent
 * that hosts it (dialled at the addresses the control plane gave for it, else through a relay:
 * peer-dialer.ts). A failed endpoint is skipped and another tried, up to `connectAttemptsMax`.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { podLoopback } from '@wisp/api/net/pod-loopback.ts';
import { encodeFrame, sendAll, type Clock, type NetworkGossip } from '@wisp/core';
import { EndpointPicker } from './endpoint-picker.ts';
import { MeshConnectError, failureOf } from './mesh-errors.ts';
import type { MeshMetrics } from './mesh-metrics.ts';
import {
  decodeTunnelReply,
  encodeJson,
  meshProtocol,
  readFirstFrame,
  tunnelFrameBytesMax,
  type TunnelHeader,
  type TunnelSource,
} from './mesh-protocol.ts';
import type { MeshState } from './mesh-state.ts';
import { PeerDialer } from './peer-dialer.ts';
import { ingressAllowed } from './network-policy.ts';
import type { MeshEndpoint, MeshService } from './service-table.ts';
import type { Tunnel, Upstream } from './tunnel.ts';

export type MeshGossip = Pick<
  NetworkGossip,
  'peerId' | 'peers' | 'openStream' | 'handleStream' | 'dial' | 'onPeer'
>;

export type ConnectLocal = (ip: string, port: number, timeoutMs: number) => Promise<Duplex>;

export interface ConnectorContext {
  readonly nodeName: string;
  readonly relays: readonly string[];
  readonly connectTimeoutMs: number;
  readonly connectAttemptsMax: number;
  readonly gossip: MeshGossip;
  readonly clock: Clock;
  readonly metrics: MeshMetrics;
  readonly state: () => MeshState;
  readonly connectLocal: ConnectLocal;
}

export interface Connected {
  /** The pod's socket when it runs here, else a tunnel to its node. */
  readonly upstream: Upstream;
  readonly endpoint: MeshEndpoint;
}

export class MeshConnector {
  readonly #ctx: ConnectorContext;
  readonly #picker: EndpointPicker;
  readonly #dialer: PeerDialer;

  constructor(ctx: ConnectorContext) {
    this.#ctx = ctx;
    this.#picker = new EndpointPicker(ctx.clock);
    this.#dialer = new PeerDialer(ctx);
  }

  /** Connects to a ready endpoint of `service:port`, trying others when one fails. */
  connectService(serviceKey: string, portName: string, source: TunnelSource): Promise<Connected> {
    return this.withEndpoint(serviceKey, portName, source, async (service, endpoint) => {
      const upstream = await this.connectEndpoint(service, endpoint, source);
      this.#ctx.metrics.opened(serviceKey);
      return { upstream, endpoint };
    });
  }

  /**
   * Runs `attempt` with a ready endpoint of `service:port` picked for `source`, and again with
   * another when it fails, up to `connectAttemptsMax` endpoints: every failure counts against
   * the endpoint (and in the service's error metrics) except a NetworkPolicy denial, which ends
   * the search. An attempt that must end it otherwise returns its failure as a value.
   */
  async withEndpoint<T>(
    serviceKey: string,
    portName: string,
    source: TunnelSource,
    attempt: (service: MeshService, endpoint: MeshEndpoint) => Promise<T>,
  ): Promise<T> {
    const tried = new Set<string>();
    let last: unknown;
    for (let i = 0; i < this.#ctx.connectAttemptsMax; i++) {
      // The table may have changed since the last try: an endpoint gone not-ready drops out.
      const [ns, name] = serviceKey.split('/');
      const service = this.#ctx.state().table.get(ns, name);
      const port = service?.ports.find((p) => p.name === portName);
      const endpoint = service && port && this.#picker.pick(service, port, source.ip, tried);
      if (!service || !port || !endpoint) break;
      try {
        return await attempt(service, endpoint);
      } catch (e) {
        last = e;
        tried.add(endpoint.ip);
        this.#ctx.metrics.error(serviceKey, failureOf(e));
        if (failureOf(e) === 'denied') throw e;
      }
    }
    if (last) throw last;
    this.#ctx.metrics.error(serviceKey, 'no-endpoints');
    throw new MeshConnectError('no-endpoints', `service ${serviceKey}: no ready endpoints`);
  }

  async connectEndpoint(
    service: Pick<MeshService, 'key'>,
    endpoint: MeshEndpoint,
    source: TunnelSource,
  ): Promise<Upstream> {
    const state = this.#ctx.state();
    if (this.#isLocal(state, endpoint)) {
      const refusal = localRefusal(state, service.key, endpoint, source);
      if (refusal) throw refusal;
      return this.#ctx.connectLocal(endpoint.ip, endpoint.port, this.#ctx.connectTimeoutMs);
    }
    const header: TunnelHeader = {
      v: 1,
      ip: endpoint.ip,
      port: endpoint.port,
      service: service.key,
      source,
    };
    return this.#tunnel(endpoint.nodeName, header);
  }

  /**
   * Whether a kept connection to `endpoint` may carry another request under the current state:
   * the endpoint is still a ready one of the service, and, on this node, NetworkPolicy still
   * admits the caller (another node re-checks its own tunnels: mesh-inbound.ts).
   */
  stillAdmits(serviceKey: string, endpoint: MeshEndpoint, source: TunnelSource): boolean {
    const state = this.#ctx.state();
    const [ns, name] = serviceKey.split('/');
    const ready = [...(state.table.get(ns, name)?.endpoints.values() ?? [])].some((list) =>
      list.some((e) => e.ip === endpoint.ip && e.nodeName === endpoint.nodeName),
    );
    if (!ready) return false;
    return !this.#isLocal(state, endpoint) || !localRefusal(state, serviceKey, endpoint, source);
  }

  #isLocal(state: MeshState, endpoint: MeshEndpoint): boolean {
    return (
      endpoint.nodeName === this.#ctx.nodeName ||
      (!endpoint.nodeName && state.localPods.has(endpoint.ip))
    );
  }

  async #tunnel(nodeName: string, header: TunnelHeader): Promise<Tunnel> {
    const peer = this.#ctx.state().peers.get(nodeName);
    if (!peer) throw new MeshConnectError('no-route', `node ${nodeName}: no peer id known`);
    await this.#dialer.reach(peer.peerId, peer.addresses);
    const timeoutMs = this.#ctx.connectTimeoutMs;
    const stream = await this.#ctx.gossip
      // The header goes with the protocol's request: one round trip to the reply, not two.
      .openStream(peer.peerId, meshProtocol, { timeoutMs, optimistic: true })
      .catch((e: unknown) => {
        throw new MeshConnectError('unreachable', `node ${nodeName}: ${String(e)}`, { cause: e });
      });
    const timer = this.#ctx.clock.setTimeout(
      () => stream.abort(new MeshConnectError('timeout', `node ${nodeName}: no tunnel reply`)),
      timeoutMs,
    );
    try {
      await sendAll(stream, encodeFrame(encodeJson(header)));
      const { frame, tunnel } = await readFirstFrame(stream, tunnelFrameBytesMax, 'tunnel reply');
      const reply = decodeTunnelReply(frame);
      if (!reply.ok) {
        stream.abort(new Error(reply.reason));
        throw new MeshConnectError(reply.code === 'denied' ? 'denied' : 'refused', reply.reason);
      }
      return tunnel;
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
      if (e instanceof MeshConnectError) throw e;
      throw new MeshConnectError('unreachable', `node ${nodeName}: tunnel failed`, { cause: e });
    } finally {
      this.#ctx.clock.clearTimeout(timer);
    }
  }
}

/** Why a connection to `endpoint`, a pod of this node, is refused now, if it is. */
function localRefusal(
  state: MeshState,
  serviceKey: string,
  endpoint: MeshEndpoint,
  source: TunnelSource,
): MeshConnectError | undefined {
  const local = state.localPods.get(endpoint.ip);
  if (!local) return new MeshConnectError('refused', `pod ${endpoint.ip} is not a ready pod here`);
  const pod = source.namespace
    ? { namespace: source.namespace, labels: source.labels ?? {} }
    : undefined;
  const nsLabels = (ns: string) => state.namespaceLabels.get(ns);
  if (!ingressAllowed(state.policies, local, endpoint.port, { ip: source.ip, pod }, nsLabels)) {
    return new MeshConnectError('denied', `${serviceKey}: denied by NetworkPolicy`);
  }
  return undefined;
}

/** Connects to a pod's port at its loopback address (`podLoopback`), bounded in time. */
export function connectPodLoopback(clock: Clock): ConnectLocal {
  return (ip, port, timeoutMs) =>
    new Promise((resolve, reject) => {
      const socket = net.connect({ host: podLoopback(ip), port, allowHalfOpen: true });
      socket.setNoDelay(true);
      const timer = clock.setTimeout(() => {
        socket.destroy();
        reject(new MeshConnectError('timeout', `pod ${ip}:${port}: connect timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clock.clearTimeout(timer);
        resolve(socket);
      });
      socket.once('error', (e) => {
        clock.clearTimeout(timer);
        reject(new MeshConnectError('refused', `pod ${ip}:${port}: ${e.message}`, { cause: e }));
      });
    });
}
