/**
 * What makes the scheduler look at a pod again (kube-scheduler's queueing hints, simplified):
 * a new or changed pending pod is enqueued; a node that appears or changes labels, taints,
 * cordon or capacity, a new RuntimeClass, a namespace whose labels change, or a bound pod that
 * leaves (freeing its requests and its domain) retries every unschedulable pod. A pod that gets
 * bound, or a bound pod whose labels change, retries only the unschedulable pods whose topology
 * spread or pod affinity counts other pods. Status-only changes, our own conditions among them,
 * do not.
 *
 *   watchSchedulingInputs({ pods, nodes, runtimeClasses, namespaces }, cache, hooks);
 */
import type { KubeObject } from '@wisp/api/meta.ts';
import type { Informer } from '../informer/informer.ts';
import { hasPodAffinity } from './pod-index.ts';
import { isTerminal } from './resources.ts';
import type { SchedulerCache } from './scheduler-cache.ts';
import type { Node, Pod } from './types.ts';

export interface SchedulingInformers {
  readonly pods: Informer;
  readonly nodes: Informer;
  readonly runtimeClasses: Informer;
  readonly namespaces: Informer;
}

export interface WatchHooks {
  needsNode(pod: KubeObject): boolean;
  enqueue(key: string): void;
  /** Enqueues every pod waiting because no node fitted. */
  retryUnschedulable(): void;
  /** Enqueues the waiting pods that `dependsOnOtherPods`. */
  retryPodDependent(): void;
  /** The pod is gone: stop tracking it as unschedulable. */
  forget(key: string): void;
}

export function watchSchedulingInputs(
  informers: SchedulingInformers,
  cache: SchedulerCache,
  hooks: WatchHooks,
): void {
  informers.pods.onChange((key, obj, old) => {
    cache.observe(key, obj as Pod | undefined);
    if (!obj) hooks.forget(key);
    else if (hooks.needsNode(obj) && (!old || schedulingInputChanged(old, obj))) hooks.enqueue(key);
    if (old && holdsResources(old) && !(obj && holdsResources(obj))) hooks.retryUnschedulable();
    else if (
      obj &&
      holdsResources(obj) &&
      (!old || !holdsResources(old) || labelsChanged(old, obj))
    )
      hooks.retryPodDependent();
  });
  informers.nodes.onChange((_key, obj, old) => {
    if (obj && (!old || nodeChanged(old, obj))) hooks.retryUnschedulable();
  });
  informers.runtimeClasses.onChange((_key, obj) => {
    if (obj) hooks.retryUnschedulable();
  });
  informers.namespaces.onChange((_key, obj, old) => {
    if (obj && old && labelsChanged(old, obj)) hooks.retryUnschedulable();
  });
}

/** Whether the pod's topology spread or pod affinity counts other pods. */
export function dependsOnOtherPods(pod: Pod): boolean {
  return Boolean(pod.spec?.topologySpreadConstraints?.length) || hasPodAffinity(pod);
}

function labelsChanged(old: KubeObject, obj: KubeObject): boolean {
  return JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(obj.metadata.labels ?? {});
}

/** A bound pod that still counts against its node. */
function holdsResources(pod: KubeObject): boolean {
  return Boolean((pod.spec as Pod['spec'])?.nodeName) && !isTerminal(pod as Pod);
}

function schedulingInputChanged(old: KubeObject, obj: KubeObject): boolean {
  const part = (o: KubeObject): string =>
    JSON.stringify([o.spec, o.metadata.labels, o.metadata.annotations, o.metadata.uid]);
  return part(old) !== part(obj);
}

/** Heartbeats and conditions do not change where pods fit; these fields do. */
function nodeChanged(old: KubeObject, obj: KubeObject): boolean {
  const part = (o: KubeObject): string => {
    const n = o as unknown as Node;
    return JSON.stringify([n.metadata?.labels, n.spec, n.status?.allocatable, n.status?.capacity]);
  };
  return part(old) !== part(obj);
}
