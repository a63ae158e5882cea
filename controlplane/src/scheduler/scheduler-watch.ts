/**
 * What makes the scheduler look at a pod again (kube-scheduler's queueing hints, simplified):
 * a new or changed pending pod is enqueued; a node that appears or changes labels, taints,
 * cordon or capacity, a new RuntimeClass, or a bound pod that leaves (freeing its requests)
 * retries every unschedulable pod. Status-only changes, our own conditions among them, do not.
 *
 *   watchSchedulingInputs({ pods, nodes, runtimeClasses }, cache, hooks);
 */
import type { KubeObject } from '@wisp/api/meta.ts';
import type { Informer } from '../informer/informer.ts';
import { isTerminal } from './resources.ts';
import type { SchedulerCache } from './scheduler-cache.ts';
import type { Node, Pod } from './types.ts';

export interface SchedulingInformers {
  readonly pods: Informer;
  readonly nodes: Informer;
  readonly runtimeClasses: Informer;
}

export interface WatchHooks {
  needsNode(pod: KubeObject): boolean;
  enqueue(key: string): void;
  /** Enqueues every pod waiting because no node fitted. */
  retryUnschedulable(): void;
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
  });
  informers.nodes.onChange((_key, obj, old) => {
    if (obj && (!old || nodeChanged(old, obj))) hooks.retryUnschedulable();
  });
  informers.runtimeClasses.onChange((_key, obj) => {
    if (obj) hooks.retryUnschedulable();
  });
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
