/**
 * A StatefulSet pod's identity: its stable name `<set>-<ordinal>`, the labels that name it
 * (`statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index`), its hostname and
 * subdomain, and the revision it runs (`controller-revision-hash` holds the revision's name).
 * volumeClaimTemplates are not turned into claims: Wisp has no PersistentVolumes.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '@wisp/api';
import { podFromTemplate } from '../replicaset/pod-from-template.ts';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import { isPodAvailable, isPodReady } from '../replicaset/pod-conditions.ts';
import { REVISION_HASH_LABEL } from '../daemonset/shared/controller-history.ts';

export const STATEFULSET_KIND = { apiVersion: 'apps/v1', kind: 'StatefulSet' } as const;
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** What the pure helpers read of a StatefulSet. */
export type StatefulSetLike = Pick<StatefulSet, 'spec' | 'status'> & {
  metadata: KubeObject['metadata'];
};
export type StatefulSetObject = KubeObject & Pick<StatefulSet, 'spec' | 'status'>;

const ORDINAL_NAME = /^(.*)-([0-9]+)$/;

/** The set a pod name belongs to and its ordinal (-1 when the name has none). */
export function parentAndOrdinal(pod: KubeObject): { parent: string; ordinal: number } {
  const m = ORDINAL_NAME.exec(pod.metadata.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const ordinal = Number(m[2]);
  return Number.isSafeInteger(ordinal) ? { parent: m[1], ordinal } : { parent: '', ordinal: -1 };
}

export function ordinalOf(pod: KubeObject): number {
  return parentAndOrdinal(pod).ordinal;
}

export function isMemberOf(set: KubeObject, pod: KubeObject): boolean {
  return parentAndOrdinal(pod).parent === set.metadata.name;
}

export function podName(set: KubeObject, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

export function startOrdinal(set: StatefulSetLike): number {
  return set.spec?.ordinals?.start ?? 0;
}

export function replicasOf(set: StatefulSetLike): number {
  return set.spec?.replicas ?? 1;
}

export function podRevision(pod: KubeObject): string {
  return pod.metadata.labels?.[REVISION_HASH_LABEL] ?? '';
}

/** Sets the name and the labels that carry it; safe to apply to a live pod. */
export function updateIdentity(set: KubeObject, pod: KubeObject): void {
  const ordinal = ordinalOf(pod);
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = {
    ...pod.metadata.labels,
    [POD_NAME_LABEL]: pod.metadata.name,
    [POD_INDEX_LABEL]: String(ordinal),
  };
}

export function identityMatches(set: KubeObject, pod: KubeObject): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  const labels = pod.metadata.labels ?? {};
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.namespace === set.metadata.namespace &&
    labels[POD_NAME_LABEL] === pod.metadata.name &&
    labels[POD_INDEX_LABEL] === String(ordinal)
  );
}

/** The pod for `ordinal` from `set`'s template, labelled with `revision`. */
export function newStatefulSetPod(
  set: StatefulSetLike,
  ordinal: number,
  revision: string,
): PodObject {
  const owner = set as unknown as KubeObject;
  const pod = podFromTemplate(set.spec?.template, owner, STATEFULSET_KIND) as PodObject;
  delete pod.metadata.generateName;
  pod.metadata.name = podName(owner, ordinal);
  updateIdentity(owner, pod);
  pod.metadata.labels = { ...pod.metadata.labels, [REVISION_HASH_LABEL]: revision };
  const spec = pod.spec ?? { containers: [] };
  spec.hostname = pod.metadata.name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  pod.spec = spec;
  return pod;
}

export function isTerminating(pod: PodObject): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

export function isRunningAndReady(pod: PodObject): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

export function isRunningAndAvailable(pod: PodObject, minReadySeconds: number, nowMs: number) {
  return pod.status?.phase === 'Running' && isPodAvailable(pod, minReadySeconds, nowMs);
}

export function isHealthy(pod: PodObject): boolean {
  return isRunningAndReady(pod) && !isTerminating(pod);
}
