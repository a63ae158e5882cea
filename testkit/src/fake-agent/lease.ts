/**
 * The node's heartbeat Lease in `kube-node-lease`, named after the node and owned by it, as the
 * kubelet keeps it: `renewTime` moves on every renewal; the node lifecycle controller reads it.
 */
import type { KubeObject } from '@wisp/api';
import { rfc3339Micro } from '@wisp/core';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export function leaseManifest(
  nodeName: string,
  nodeUid: string | undefined,
  durationSeconds: number,
  nowMs: number,
): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: NODE_LEASE_NAMESPACE,
      ...(nodeUid
        ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }] }
        : {}),
    },
    spec: {
      holderIdentity: nodeName,
      leaseDurationSeconds: durationSeconds,
      renewTime: rfc3339Micro(nowMs),
    },
  };
}

/** A merge patch that renews the lease at `nowMs`. */
export function renewPatch(nodeName: string, durationSeconds: number, nowMs: number) {
  return {
    spec: {
      holderIdentity: nodeName,
      leaseDurationSeconds: durationSeconds,
      renewTime: rfc3339Micro(nowMs),
    },
  };
}
