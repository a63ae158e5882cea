/**
 * A DaemonSet's status, counted as upstream's `updateDaemonSetStatus`: per node that should run
 * the pod, whether one is scheduled and whether the oldest is ready, available and updated; pods
 * on nodes that should not run it are misscheduled.
 */
import type { DaemonSetStatus } from 'kubernetes-types/apps/v1.js';
import type { DaemonSetLike } from './daemon-pods.ts';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import { isPodAvailable, isPodReady, nextAvailabilityInMs } from '../replicaset/pod-conditions.ts';
import { byCreation, isTerminal, podHash } from './daemon-pods.ts';
import { nodeShouldRunDaemonPod } from './node-eligibility.ts';

export interface DaemonStatusResult {
  readonly status: DaemonSetStatus;
  /** When a ready pod becomes available under minReadySeconds, to count it then. */
  readonly recheckAfterMs?: number;
}

export function daemonSetStatus(
  ds: DaemonSetLike & { metadata?: { generation?: number } },
  nodes: readonly Node[],
  byNode: ReadonlyMap<string, readonly PodObject[]>,
  hash: string,
  nowMs: number,
): DaemonStatusResult {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  const readyNotAvailable: PodObject[] = [];
  for (const node of nodes) {
    // Finished pods already being deleted no longer occupy the node.
    const pods = (byNode.get(node.metadata?.name ?? '') ?? []).filter(
      (p) => !(isTerminal(p) && p.metadata.deletionTimestamp),
    );
    const scheduled = pods.length > 0;
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (scheduled) misscheduled++;
      continue;
    }
    desired++;
    if (!scheduled) continue;
    current++;
    const pod = [...pods].sort(byCreation)[0];
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, nowMs)) available++;
      else readyNotAvailable.push(pod);
    }
    if (podHash(pod) === hash) updated++;
  }
  const status: DaemonSetStatus = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: ds.metadata?.generation,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
  if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount;
  if (ds.status?.conditions) status.conditions = ds.status.conditions;
  return { status, recheckAfterMs: nextAvailabilityInMs(readyNotAvailable, minReady, nowMs) };
}
