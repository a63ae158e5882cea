/**
 * Sends the node's status to the control plane over the status protocol: a Lease renewal every
 * `leaseIntervalMs`, the NodeStatus on start, periodically and on reconnect, and each pod's status
 * when it changes. Everything goes through a bounded, per-object coalescing queue, so while the
 * control plane is unreachable the latest state waits and is flushed when it comes back.
 * Kubernetes Events (`reportEvent`, and the node's Starting and NodeReady on start) share that
 * queue: a repeat of a queued event bumps its count, and events are dropped first when it is full.
 *
 *   const status = createStatusReporter(init, { gossip, clock, nodeKey, nodeStatus, podStatuses });
 *   await status.start();
 *   status.reportPods(changed); // from the pod manager
 *   status.reportEvent({ involvedObject, type: 'Normal', reason: 'Pulled', message });
 */
import { signEnvelope, type EnvelopeSigningKey } from '@wisp/api/wire/envelope.ts';
import { eventKey, truncateEventMessage, type AgentEvent } from '@wisp/api/wire/event-messages.ts';
import {
  encodeWireMessage,
  wireApiVersion,
  type PodStatusEntry,
  type WireMessage,
} from '@wisp/api/wire/messages.ts';
import {
  decodeStatusAnswer,
  encodeStatusBatch,
  statusItemsMax,
  statusProtocol,
  type StatusResult,
} from '@wisp/api/wire/protocols.ts';
import type { NodeStatus as KubeNodeStatus } from 'kubernetes-types/core/v1.js';
import {
  GossipRemoteError,
  rfc3339,
  rfc3339Micro,
  type Clock,
  type Gossip,
  type TimerHandle,
  type Unsubscribe,
} from '@wisp/core';
import { StatusQueue, statusQueueDefaults } from './status-queue.ts';

export interface StatusReporterInit {
  readonly nodeName: string;
  readonly serverPeerId: string;
  /** Default 10 s. */
  readonly leaseIntervalMs?: number;
  /** Default 40 s, as the kubelet's. */
  readonly leaseDurationSeconds?: number;
  /** Default 60 s. */
  readonly nodeStatusIntervalMs?: number;
  readonly statusQueueItemsMax?: number;
  /** Default 5 s. */
  readonly sendTimeoutMs?: number;
}

export interface StatusReporterComponents {
  readonly gossip: Gossip;
  readonly clock: Clock;
  /** The node's Ed25519 key; the control plane checks it against the admitted peer. */
  readonly nodeKey: EnvelopeSigningKey;
  readonly nodeStatus: () => KubeNodeStatus;
  readonly appliedRevision: () => number;
  /** Every pod's current status, sent in full on reconnect. */
  readonly podStatuses: () => readonly PodStatusEntry[];
  readonly onError?: (e: unknown) => void;
}

export const statusReporterDefaults = {
  leaseIntervalMs: 10_000,
  leaseDurationSeconds: 40,
  nodeStatusIntervalMs: 60_000,
  sendTimeoutMs: 5_000,
  statusQueueItemsMax: statusQueueDefaults.statusQueueItemsMax,
} as const;

export class StatusReporter {
  readonly #init: StatusReporterInit;
  readonly #c: StatusReporterComponents;
  readonly queue: StatusQueue<WireMessage>;
  #timers: TimerHandle[] = [];
  #off: Unsubscribe | undefined;
  #flushing: Promise<void> | undefined;

  constructor(init: StatusReporterInit, components: StatusReporterComponents) {
    this.#init = init;
    this.#c = components;
    this.queue = new StatusQueue(
      init.statusQueueItemsMax ?? statusReporterDefaults.statusQueueItemsMax,
      (key) => key.startsWith(eventKeyPrefix),
    );
  }

  start(): void {
    const d = statusReporterDefaults;
    const clock = this.#c.clock;
    this.#timers = [
      clock.setInterval(
        () => this.#tick(() => this.#queueLease()),
        this.#init.leaseIntervalMs ?? d.leaseIntervalMs,
      ),
      clock.setInterval(
        () => this.#tick(() => this.#queueNode()),
        this.#init.nodeStatusIntervalMs ?? d.nodeStatusIntervalMs,
      ),
    ];
    this.#off = this.#c.gossip.onPeer((e) => {
      if (e.type === 'connect' && e.peer === this.#init.serverPeerId)
        this.#tick(() => this.resync());
    });
    this.#queueNode();
    this.#queueLease();
    for (const e of nodeStartEvents(this.#init.nodeName)) this.#queueEvent(e);
    void this.flush();
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) this.#c.clock.clearInterval(t);
    this.#timers = [];
    this.#off?.();
    await this.#flushing;
  }

  /** Queues the full picture (node, lease, every pod): after a reconnect or restart. */
  resync(): void {
    this.#queueNode();
    this.#queueLease();
    this.reportPods(this.#c.podStatuses());
  }

  reportPods(pods: readonly PodStatusEntry[]): void {
    const observedAt = rfc3339(this.#c.clock.now());
    for (const p of pods) {
      this.queue.put(`pod/${p.namespace}/${p.name}`, {
        apiVersion: wireApiVersion,
        kind: 'PodStatusReport',
        nodeName: this.#init.nodeName,
        observedAt,
        pods: [p],
      });
    }
    void this.flush();
  }

  /** Queues one occurrence of an event; a repeat of one still queued only bumps its count. */
  reportEvent(event: AgentEvent): void {
    this.#queueEvent(event);
    void this.flush();
  }

  #queueEvent(event: AgentEvent): void {
    const e = { ...event, message: truncateEventMessage(event.message) };
    const key = `${eventKeyPrefix}${eventKey(e)}`;
    const now = rfc3339(this.#c.clock.now());
    const queued = this.queue.get(key);
    const earlier = queued?.kind === 'EventReport' ? queued.events[0] : undefined;
    this.queue.put(key, {
      apiVersion: wireApiVersion,
      kind: 'EventReport',
      nodeName: this.#init.nodeName,
      events: [
        {
          ...e,
          count: (earlier?.count ?? 0) + 1,
          firstTimestamp: earlier?.firstTimestamp ?? now,
          lastTimestamp: now,
        },
      ],
    });
  }

  /** Sends what is queued, oldest first, in batches; stops at the first failure worth retrying. */
  flush(): Promise<void> {
    this.#flushing ??= this.#drain().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  async #drain(): Promise<void> {
    const server = this.#init.serverPeerId;
    if (!this.#c.gossip.peers().includes(server)) return;
    for (;;) {
      const batch = this.queue.entries().slice(0, statusItemsMax);
      if (batch.length === 0) return;
      if ((await this.#send(server, batch)) === 'retry') return;
      for (const [key, message] of batch) this.#delivered(key, message);
    }
  }

  async #send(server: string, batch: [string, WireMessage][]): Promise<'done' | 'retry'> {
    const items = batch.map(([, m]) => signEnvelope(encodeWireMessage(m), this.#c.nodeKey));
    const timeoutMs = this.#init.sendTimeoutMs ?? statusReporterDefaults.sendTimeoutMs;
    try {
      const bytes = encodeStatusBatch({ items });
      const answer = decodeStatusAnswer(
        await this.#c.gossip.request(server, statusProtocol, bytes, { timeoutMs }),
      );
      for (const r of answer.results) {
        // An event about a pod deleted meanwhile (Killing, as it stops) has nowhere to go.
        const podGone = r.kind === 'EventReport' && r.code === 'not-found';
        if (!r.ok && !podGone) this.#c.onError?.(refusal(batch, r));
      }
      return 'done';
    } catch (e) {
      this.#c.onError?.(e);
      // A refusal is final; an unreachable or slow server is asked again later.
      return e instanceof GossipRemoteError ? 'done' : 'retry';
    }
  }

  /**
   * Takes a sent message off the queue. A repeat of an event that came while it was in flight
   * was merged into it: only the occurrences not yet sent stay queued.
   */
  #delivered(key: string, sent: WireMessage): void {
    const now = this.queue.get(key);
    if (now === sent || now?.kind !== 'EventReport' || sent.kind !== 'EventReport') {
      this.queue.remove(key, sent);
      return;
    }
    const [was, is] = [sent.events[0], now.events[0]];
    const count = is.count - was.count;
    if (count < 1) return this.queue.remove(key, now);
    this.queue.put(key, { ...now, events: [{ ...is, count, firstTimestamp: was.lastTimestamp }] });
  }

  #tick(queue: () => void): void {
    queue();
    void this.flush();
  }

  #queueLease(): void {
    this.queue.put('lease', {
      apiVersion: wireApiVersion,
      kind: 'LeaseRenewal',
      nodeName: this.#init.nodeName,
      renewTime: rfc3339Micro(this.#c.clock.now()),
      leaseDurationSeconds:
        this.#init.leaseDurationSeconds ?? statusReporterDefaults.leaseDurationSeconds,
    });
  }

  #queueNode(): void {
    this.queue.put('node', {
      apiVersion: wireApiVersion,
      kind: 'NodeStatus',
      nodeName: this.#init.nodeName,
      observedAt: rfc3339(this.#c.clock.now()),
      appliedRevision: this.#c.appliedRevision(),
      status: this.#c.nodeStatus(),
    });
  }
}

const eventKeyPrefix = 'event/';

/** What a kubelet says of its node when it starts: it is starting, and it is ready. */
function nodeStartEvents(nodeName: string): AgentEvent[] {
  // The kubelet's node reference carries the node's name as its uid.
  const involvedObject = { kind: 'Node' as const, name: nodeName, uid: nodeName };
  return [
    { involvedObject, type: 'Normal', reason: 'Starting', message: 'Starting kubelet.' },
    {
      involvedObject,
      type: 'Normal',
      reason: 'NodeReady',
      message: `Node ${nodeName} status is now: NodeReady`,
    },
  ];
}

/** Why the control plane refused one item: the error reported; the item is not sent again. */
export class StatusRefusedError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

function refusal(batch: [string, WireMessage][], r: StatusResult): StatusRefusedError {
  const kind = r.kind ?? batch[r.item]?.[1].kind ?? 'item';
  const what = r.pod ? `${kind} ${r.pod}` : kind;
  return new StatusRefusedError(`status ${what} ${r.code}: ${r.message ?? ''}`, r.code);
}

export function createStatusReporter(
  init: StatusReporterInit,
  components: StatusReporterComponents,
): StatusReporter {
  return new StatusReporter(init, components);
}
