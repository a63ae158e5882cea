/**
 * The node monitor of the node lifecycle controller: a node whose agent has neither renewed its
 * Lease in `kube-node-lease` nor posted a new Ready heartbeat for `nodeMonitorGracePeriodMs` is
 * marked Ready=Unknown (and its pods not ready); the node's taints then follow its conditions
 * (unreachable / not-ready, NoSchedule and NoExecute; cordon; pressure). Silence is measured on
 * the control plane's own clock from the moment a new renewal was *seen*, so a device with a
 * wrong clock (a Raspberry Pi without RTC) is judged fairly, and a restarted control plane gives
 * every node a full grace period.
 */
import type { KubeObject } from '@wisp/api';
import { isWispError } from '@wisp/core';
import type { Informer } from '../../informer/informer.ts';
import type { ReconcileResult } from '../framework/controller.ts';
import { readyCondition } from './node-health.ts';
import {
  Gone,
  markPodsNotReady,
  markSilent,
  syncTaints,
  type NodeWriteDeps,
} from './node-writes.ts';

export interface NodeMonitorInit {
  readonly nodeMonitorGracePeriodMs: number;
  readonly leaseNamespace: string;
}

export interface NodeMonitorDeps extends NodeWriteDeps {
  readonly nodes: Informer;
  readonly leases: Informer;
}

interface Observed {
  readonly renewTime?: string;
  readonly heartbeat?: string;
  /** Control-plane time when either last changed. */
  readonly probeMs: number;
}

export function createNodeMonitor(init: NodeMonitorInit, d: NodeMonitorDeps) {
  const observed = new Map<string, Observed>();
  const graceMs = init.nodeMonitorGracePeriodMs;

  function observe(node: KubeObject): Observed {
    const name = node.metadata.name!;
    const lease = d.leases.get(init.leaseNamespace, name);
    const renewTime = (lease?.spec as { renewTime?: string } | undefined)?.renewTime;
    const heartbeat = readyCondition(node)?.lastHeartbeatTime;
    const prev = observed.get(name);
    if (prev && prev.renewTime === renewTime && prev.heartbeat === heartbeat) return prev;
    const next = { renewTime, heartbeat, probeMs: d.clock.now() };
    observed.set(name, next);
    return next;
  }

  async function reconcile(name: string): Promise<ReconcileResult | void> {
    const node = d.nodes.get(undefined, name);
    if (!node) {
      observed.delete(name);
      return;
    }
    const silentForMs = d.clock.now() - observe(node).probeMs;
    try {
      if (silentForMs > graceMs) {
        if (await markSilent(d, name)) {
          const message = `Node ${name} status is now: NodeNotReady`;
          await d.events.record(node, 'Normal', 'NodeNotReady', message);
        }
        await markPodsNotReady(d, name);
      }
      await syncTaints(d, name);
    } catch (e) {
      if (e instanceof Gone || isWispError(e, 'ERR_NOT_FOUND')) return;
      throw e;
    }
    // Look again just after the grace period would run out.
    if (silentForMs <= graceMs) return { requeueAfterMs: graceMs - silentForMs + 1 };
  }

  return { reconcile, forget: (name: string) => observed.delete(name) };
}
