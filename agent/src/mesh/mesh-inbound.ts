/**
 * The receiving half of a tunnel: reads the header, checks that the sending node may claim the
 * calling pod (its IP lies in the pod CIDR of the certificate the peer was admitted with), that
 * the destination is a ready pod on this node, and that NetworkPolicy admits the connection;
 * then connects to the pod and splices. Every refusal is answered with a reason. A tunnel that
 * is open stays subject to NetworkPolicy: `track` lists it, and `revokedByPolicy` says, under a
 * new mesh state, whether it must close (a caller's kept connection must not outlive a deny).
 */
import type { Clock, GossipStream } from '@wisp/core';
import { encodeFrame, sendAll } from '@wisp/core';
import type { ConnectLocal } from './mesh-connector.ts';
import { failureOf } from './mesh-errors.ts';
import type { MeshMetrics } from './mesh-metrics.ts';
import {
  decodeTunnelHeader,
  encodeJson,
  readFirstFrame,
  tunnelFrameBytesMax,
  type TunnelHeader,
  type TunnelReply,
} from './mesh-protocol.ts';
import type { MeshState } from './mesh-state.ts';
import { inCidr, ingressAllowed } from './network-policy.ts';
import type { PeerFacts } from './peer-book.ts';
import { spliceTunnel } from './socket-splice.ts';
import type { Tunnel } from './tunnel.ts';

export interface InboundContext {
  readonly clock: Clock;
  readonly connectTimeoutMs: number;
  readonly metrics: MeshMetrics;
  readonly state: () => MeshState;
  readonly identity: (peerId: string) => PeerFacts | undefined;
  readonly connectLocal: ConnectLocal;
  readonly onError?: (e: unknown) => void;
  /** Lists an open tunnel until it ends (the returned function). */
  readonly track?: (tunnel: InboundTunnel) => () => void;
}

/** An open tunnel from a caller to a pod here. */
export interface InboundTunnel {
  readonly header: TunnelHeader;
  readonly from: string;
  close(reason: string): void;
}

export async function serveTunnel(
  stream: GossipStream,
  from: string,
  ctx: InboundContext,
): Promise<void> {
  const timer = ctx.clock.setTimeout(
    () => stream.abort(new Error('tunnel header: not within the deadline')),
    ctx.connectTimeoutMs,
  );
  let header: TunnelHeader;
  let tunnel: Tunnel;
  try {
    const first = await readFirstFrame(stream, tunnelFrameBytesMax, 'tunnel header');
    header = decodeTunnelHeader(first.frame);
    tunnel = first.tunnel;
  } catch (e) {
    ctx.clock.clearTimeout(timer);
    return refuse(stream, { ok: false, code: 'invalid', reason: String(e) });
  }
  const why = refusal(header, from, ctx);
  if (why) {
    ctx.clock.clearTimeout(timer);
    ctx.metrics.error(header.service, why.code);
    return refuse(stream, why);
  }
  let socket;
  try {
    socket = await ctx.connectLocal(header.ip, header.port, ctx.connectTimeoutMs);
  } catch (e) {
    ctx.metrics.error(header.service, failureOf(e));
    return refuse(stream, { ok: false, code: 'refused', reason: String(e) });
  } finally {
    ctx.clock.clearTimeout(timer);
  }
  await sendAll(stream, encodeFrame(encodeJson({ ok: true } satisfies TunnelReply))).catch(() => {
    socket.destroy();
  });
  if (socket.destroyed) return;
  ctx.metrics.opened(header.service);
  const untrack = ctx.track?.({
    header,
    from,
    close(reason) {
      socket.destroy();
      stream.abort(new Error(reason));
    },
  });
  let result;
  try {
    result = await spliceTunnel(socket, tunnel);
  } finally {
    untrack?.();
  }
  // bytesIn counts the service's answers on both sides: here, from the pod into the tunnel.
  ctx.metrics.bytes(header.service, result.bytesOut, result.bytesIn);
}

/** Why an open tunnel must close under the current state (a denial), if it must. */
export function revokedByPolicy(
  tunnel: InboundTunnel,
  ctx: Pick<InboundContext, 'identity' | 'state'>,
): string | undefined {
  const why = refusal(tunnel.header, tunnel.from, ctx);
  return why?.code === 'denied' ? why.reason : undefined;
}

function refusal(
  header: TunnelHeader,
  from: string,
  ctx: Pick<InboundContext, 'identity' | 'state'>,
): Extract<TunnelReply, { ok: false }> | undefined {
  const sender = ctx.identity(from);
  if (!sender) return { ok: false, code: 'denied', reason: `peer ${from} is not a known node` };
  const src = header.source;
  // A node speaks only for its own pods; anything else is an outside client it saw.
  if (src.namespace && !inCidr(src.ip, sender.podCidr)) {
    const reason = `source pod ${src.ip} is not in node ${sender.nodeName}'s ${sender.podCidr}`;
    return { ok: false, code: 'denied', reason };
  }
  const state = ctx.state();
  const target = state.localPods.get(header.ip);
  if (!target)
    return { ok: false, code: 'refused', reason: `${header.ip} is not a ready pod here` };
  const pod = src.namespace ? { namespace: src.namespace, labels: src.labels ?? {} } : undefined;
  const nsLabels = (ns: string) => state.namespaceLabels.get(ns);
  if (!ingressAllowed(state.policies, target, header.port, { ip: src.ip, pod }, nsLabels)) {
    return { ok: false, code: 'denied', reason: `${header.service}: denied by NetworkPolicy` };
  }
  return undefined;
}

async function refuse(stream: GossipStream, reply: TunnelReply): Promise<void> {
  try {
    await sendAll(stream, encodeFrame(encodeJson(reply)));
    await stream.close();
  } catch {
    stream.abort(new Error('tunnel refused'));
  }
}
