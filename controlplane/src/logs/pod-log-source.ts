/**
 * `kubectl logs` through the control plane: the apiserver's `PodLogSource`, which asks the agent
 * running the pod over `/wisp/v1/logs` (the peer id comes from the identities the gossip node
 * admitted, as the distributor finds a node's keys). Without `follow` it reads the log to its end;
 * with `follow` it keeps asking from the last offset every `pollIntervalMs` until the client goes
 * away or the container ends. An agent that cannot be reached is a clear error, not a hang.
 *
 *   const logs = createPodLogSource({}, { clock, gossip: () => gossip, peerOf: (node) =>
 *     peers.byNode(node)?.peerId });
 *   const body = await logs.read(pod, { follow: true, previous: false }, signal);
 */
import type { KubeObject } from '@wisp/api';
import {
  decodeLogAnswer,
  encodeLogRequest,
  type LogRequest,
  type LogSlice,
} from '@wisp/api/wire/log-messages.ts';
import { logsProtocol } from '@wisp/api/wire/protocols.ts';
import { isWispError, type Clock, type Gossip } from '@wisp/core';
import type { PodLogOptions, PodLogSource } from '../apiserver/resource-handlers.ts';
import { BadRequestError } from '../registry/errors.ts';
import { NodeUnreachableError } from './errors.ts';
import { followLog } from './follow-log.ts';

export interface PodLogSourceInit {
  /** How often a follower asks for new lines; default 500 ms. */
  readonly pollIntervalMs?: number;
  /** One request's deadline; default 10 s. */
  readonly requestTimeoutMs?: number;
  /** A follow ends after this many failed requests in a row; default 10. */
  readonly followFailuresMax?: number;
}

export interface PodLogSourceComponents {
  readonly clock: Clock;
  /** The control plane's gossip node, once started. */
  readonly gossip: () => Pick<Gossip, 'request'> | undefined;
  /** The peer id of the agent a node name was admitted as. */
  readonly peerOf: (nodeName: string) => string | undefined;
}

export const podLogSourceDefaults = {
  pollIntervalMs: 500,
  requestTimeoutMs: 10_000,
  followFailuresMax: 10,
} as const;

/** Asks the node for one slice; throws the error the apiserver answers with. */
export type LogAsk = (request: LogRequest, signal: AbortSignal) => Promise<LogSlice>;

export function createPodLogSource(
  init: PodLogSourceInit,
  c: PodLogSourceComponents,
): PodLogSource {
  const o = { ...podLogSourceDefaults, ...definedOnly(init) };
  return {
    async read(pod, options, signal) {
      const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
      const request = firstRequest(pod, options, c.clock.now());
      const ask = askerFor(c, nodeName, request, o.requestTimeoutMs);
      const first = await ask(request, signal);
      if (!first.more && (!options.follow || first.ended)) return first.text;
      return followLog(
        { request, first, follow: options.follow, limitBytes: options.limitBytes },
        { ask, clock: c.clock, signal, ...o },
      );
    },
  };
}

function firstRequest(pod: KubeObject, options: PodLogOptions, nowMs: number): LogRequest {
  const spec = pod.spec as { containers?: { name: string }[] } | undefined;
  const sinceTimeMs =
    options.sinceSeconds !== undefined
      ? nowMs - options.sinceSeconds * 1000
      : options.sinceTime !== undefined
        ? Date.parse(options.sinceTime)
        : undefined;
  return {
    namespace: pod.metadata?.namespace ?? 'default',
    pod: pod.metadata?.name ?? '',
    container: options.container ?? spec?.containers?.[0]?.name ?? '',
    previous: options.previous,
    timestamps: options.timestamps ?? false,
    ...(options.tailLines !== undefined && options.tailLines >= 0
      ? { tailLines: options.tailLines }
      : {}),
    ...(sinceTimeMs !== undefined && sinceTimeMs > 0 ? { sinceTimeMs } : {}),
    ...(options.limitBytes !== undefined ? { limitBytes: options.limitBytes } : {}),
  };
}

function askerFor(
  c: PodLogSourceComponents,
  nodeName: string,
  first: LogRequest,
  timeoutMs: number,
): LogAsk {
  const url = `wisp://${nodeName}/containerLogs/${first.namespace}/${first.pod}/${first.container}`;
  return async (request, signal) => {
    const gossip = c.gossip();
    const peer = c.peerOf(nodeName);
    if (!gossip || !peer) {
      throw new NodeUnreachableError(url, nodeName, 'its agent has not connected');
    }
    let bytes: Uint8Array;
    try {
      bytes = await gossip.request(peer, logsProtocol, encodeLogRequest(request), {
        timeoutMs,
        signal,
      });
    } catch (e) {
      if (signal.aborted) throw e;
      const why = isWispError(e) ? e.message : String(e);
      throw new NodeUnreachableError(url, nodeName, why, { cause: e });
    }
    const answer = decodeLogAnswer(bytes);
    if (!answer.ok) throw new BadRequestError(answer.message);
    return answer;
  };
}

function definedOnly(init: PodLogSourceInit): Partial<PodLogSourceInit> {
  return Object.fromEntries(Object.entries(init).filter(([, v]) => v !== undefined));
}
