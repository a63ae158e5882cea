/**
 * How many pods a budget's controllers want, for percents and maxUnavailable: each pod's
 * controller is found (a ReplicaSet's own Deployment if it has one), and each controller's
 * replicas count once. A pod without a controller makes the count impossible, as upstream.
 */
import type { KubeObject } from '@wisp/api';

export type Lookup = (namespace: string, name: string) => KubeObject | undefined;

export interface ScaleLookups {
  readonly replicasets: Lookup;
  readonly deployments: Lookup;
  readonly statefulsets: Lookup;
  readonly daemonsets: Lookup;
}

interface Scale {
  readonly uid: string;
  readonly replicas: number;
}

function controllerOf(obj: KubeObject) {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller);
}

function replicasOf(obj: KubeObject): number {
  return (obj.spec as { replicas?: number } | undefined)?.replicas ?? 1;
}

function scaleOf(pod: KubeObject, l: ScaleLookups): Scale {
  const ns = pod.metadata.namespace ?? '';
  const ref = controllerOf(pod);
  if (!ref) throw new Error(`found no controller ref for pod "${pod.metadata.name}"`);
  const found = (obj: KubeObject | undefined) => (obj?.metadata.uid === ref.uid ? obj : undefined);
  if (ref.kind === 'ReplicaSet') {
    const rs = found(l.replicasets(ns, ref.name));
    const owner = rs && controllerOf(rs);
    if (rs && owner?.kind === 'Deployment') {
      const d = l.deployments(ns, owner.name);
      if (d?.metadata.uid === owner.uid) return { uid: owner.uid, replicas: replicasOf(d) };
    } else if (rs) return { uid: ref.uid, replicas: replicasOf(rs) };
  }
  if (ref.kind === 'StatefulSet') {
    const sts = found(l.statefulsets(ns, ref.name));
    if (sts) return { uid: ref.uid, replicas: replicasOf(sts) };
  }
  if (ref.kind === 'DaemonSet') {
    // DaemonSets have no scale; the nodes they want to run on are their replicas.
    const ds = found(l.daemonsets(ns, ref.name));
    const wanted = (ds?.status as { desiredNumberScheduled?: number } | undefined)
      ?.desiredNumberScheduled;
    if (ds) return { uid: ref.uid, replicas: wanted ?? 0 };
  }
  throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
}

export function expectedScale(pods: readonly KubeObject[], lookups: ScaleLookups): number {
  const seen = new Map<string, number>();
  for (const pod of pods) {
    const s = scaleOf(pod, lookups);
    seen.set(s.uid, s.replicas);
  }
  let total = 0;
  for (const n of seen.values()) total += n;
  return total;
}
