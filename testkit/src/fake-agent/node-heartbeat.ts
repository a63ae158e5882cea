/**
 * The node's side of liveness: register the Node (or take over an existing one), renew its
 * Lease every `leaseRenewIntervalMs` and post node status every `nodeStatusIntervalMs`, all on
 * the injected clock. A tick whose previous write is still in flight is skipped, not queued.
 */
import type { Condition, KubeObject } from '@wisp/api';
import type { Clock, TimerHandle } from '@wisp/core';
import type { KubeClient } from '../kube-client/client.ts';
import { KubeAlreadyExistsError, KubeNotFoundError } from '../kube-client/errors.ts';
import { leaseManifest, NODE_LEASE_NAMESPACE, renewPatch } from './lease.ts';
import { nodeLabels, nodeManifest, nodeStatus } from './node-object.ts';
import type { NodeShape } from './node-object.ts';
import { LEASES, NODES } from './resources.ts';

export interface NodeHeartbeatInit {
  readonly shape: NodeShape;
  readonly leaseDurationSeconds: number;
  readonly leaseRenewIntervalMs: number;
  readonly nodeStatusIntervalMs: number;
  readonly fieldManager: string;
}

export interface NodeHeartbeatComponents {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly log: (message: string, error?: unknown) => void;
}

export interface NodeHeartbeat {
  /** Creates the Node, or updates labels and status of the one already there. */
  register(): Promise<void>;
  renewLease(): Promise<void>;
  postStatus(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  lastLeaseRenewMs(): number | undefined;
}

export function createNodeHeartbeat(
  init: NodeHeartbeatInit,
  c: NodeHeartbeatComponents,
): NodeHeartbeat {
  const { shape, fieldManager } = init;
  const name = shape.nodeName;
  let nodeUid: string | undefined;
  let lastRenewMs: number | undefined;
  const timers: TimerHandle[] = [];
  const inFlight = new Set<Promise<void>>();

  async function register(): Promise<void> {
    try {
      const created = await c.client.create(NODES, undefined, nodeManifest(shape, c.clock.now()), {
        fieldManager,
      });
      nodeUid = created.metadata.uid;
      return;
    } catch (e) {
      if (!(e instanceof KubeAlreadyExistsError)) throw e;
    }
    const patched = await c.client.patch(
      NODES,
      undefined,
      name,
      'merge',
      { metadata: { labels: nodeLabels(shape) } },
      { fieldManager },
    );
    nodeUid = patched.metadata.uid;
    await postStatus();
  }

  async function renewLease(): Promise<void> {
    const nowMs = c.clock.now();
    const ns = NODE_LEASE_NAMESPACE;
    const patch = renewPatch(name, init.leaseDurationSeconds, nowMs);
    try {
      await c.client.patch(LEASES, ns, name, 'merge', patch, { fieldManager });
    } catch (e) {
      if (!(e instanceof KubeNotFoundError)) throw e;
      const lease = leaseManifest(name, nodeUid, init.leaseDurationSeconds, nowMs);
      await c.client.create(LEASES, ns, lease, { fieldManager });
    }
    lastRenewMs = nowMs;
  }

  async function postStatus(): Promise<void> {
    let node: KubeObject;
    try {
      node = await c.client.get(NODES, undefined, name);
    } catch (e) {
      // Someone deleted the Node: a kubelet registers it again.
      if (e instanceof KubeNotFoundError) return register();
      throw e;
    }
    nodeUid = node.metadata.uid;
    const current = ((node.status as { conditions?: Condition[] })?.conditions ??
      []) as Condition[];
    const status = nodeStatus(shape, c.clock.now(), current);
    await c.client.patch(
      NODES,
      undefined,
      name,
      'strategic',
      { status },
      {
        subresource: 'status',
        fieldManager,
      },
    );
  }

  function every(ms: number, what: string, fn: () => Promise<void>): void {
    let busy = false;
    timers.push(
      c.clock.setInterval(() => {
        if (busy) return;
        busy = true;
        const p = fn()
          .catch((e) => c.log(`${name}: ${what} failed`, e))
          .finally(() => {
            busy = false;
            inFlight.delete(p);
          });
        inFlight.add(p);
      }, ms),
    );
  }

  return {
    register,
    renewLease,
    postStatus,
    start() {
      every(init.leaseRenewIntervalMs, 'lease renewal', renewLease);
      every(init.nodeStatusIntervalMs, 'node status', postStatus);
    },
    async stop() {
      for (const t of timers.splice(0)) c.clock.clearInterval(t);
      await Promise.all([...inFlight]);
    },
    lastLeaseRenewMs: () => lastRenewMs,
  };
}
