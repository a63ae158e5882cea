/**
 * A DaemonSet's pods: building one for a node, grouping the claimed ones by the node they are
 * for, and the order upstream keeps when it must pick one of several (bound first, oldest first).
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '@wisp/api';
import { REVISION_HASH_LABEL } from './shared/controller-history.ts';
import { podFromTemplate } from '../replicaset/pod-from-template.ts';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import { daemonPodSpec, pinToNode, targetNodeName } from './node-eligibility.ts';

export const DAEMONSET_KIND = { apiVersion: 'apps/v1', kind: 'DaemonSet' } as const;

/** What the pure helpers read of a DaemonSet. */
export type DaemonSetLike = Pick<DaemonSet, 'spec' | 'status'>;

export type DaemonSetObject = KubeObject & DaemonSetLike;

/**
 * The pod for one node. It is created bound (`spec.nodeName`), so daemon pods land even while
 * the scheduler is down or the node is full, and also carries upstream's `metadata.name`
 * affinity term so it reads the same as a pod the scheduler placed.
 */
export function newDaemonPod(ds: DaemonSetObject, nodeName: string, hash: string): PodObject {
  const pod = podFromTemplate(ds.spec?.template, ds, DAEMONSET_KIND) as PodObject;
  const spec = daemonPodSpec(ds, nodeName);
  pinToNode(spec, nodeName);
  pod.spec = spec;
  pod.metadata.labels = { ...pod.metadata.labels, [REVISION_HASH_LABEL]: hash };
  return pod;
}

export function podHash(pod: PodObject): string | undefined {
  return pod.metadata.labels?.[REVISION_HASH_LABEL];
}

/** Claimed pods by target node; pods with no target node are left out, as upstream. */
export function podsByNode(pods: readonly PodObject[]): Map<string, PodObject[]> {
  const byNode = new Map<string, PodObject[]>();
  for (const pod of pods) {
    const node = targetNodeName(pod as never);
    if (!node) continue;
    const list = byNode.get(node);
    if (list) list.push(pod);
    else byNode.set(node, [pod]);
  }
  return byNode;
}

/** Bound pods first, then oldest first, then by name: upstream's podByCreationTimestampAndPhase. */
export function byCreation(a: PodObject, b: PodObject): number {
  const boundA = Boolean(a.spec?.nodeName);
  const boundB = Boolean(b.spec?.nodeName);
  if (boundA !== boundB) return boundA ? -1 : 1;
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

export function isTerminal(pod: PodObject): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
