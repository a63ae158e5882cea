/**
 * Fixtures for the ReplicaSet and Deployment controller tests: manifests, an agent stand-in that
 * marks pods Running and Ready through the status subresource, and a driver that runs the
 * controllers' reconciles until nothing changes any more.
 */
import type { KubeObject } from '@wisp/api';
import { findResource, storageKey } from '@wisp/api';
import { rfc3339 } from '@wisp/core';
import type { Harness } from '../../../admission/test/harness.ts';
import type { ReconcileResult } from '../../framework/controller.ts';
import { controllerRefOf } from '../controller-ref.ts';
import { isPodActive, isPodReady } from '../pod-conditions.ts';
import type { PodObject } from '../pod-conditions.ts';

export const PODS = findResource('', 'pods')!;
export const REPLICA_SETS = findResource('apps', 'replicasets')!;
export const DEPLOYMENTS = findResource('apps', 'deployments')!;

export function podTemplate(labels: Record<string, string>, image = 'registry.local/web:1') {
  return {
    metadata: { labels },
    spec: { containers: [{ name: 'web', image }] },
  };
}

export function replicaSet(
  name: string,
  replicas: number,
  spec: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: podTemplate({ app: name }),
      ...spec,
    },
  };
}

export function deployment(
  name: string,
  replicas: number,
  spec: Record<string, unknown> = {},
  annotations?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: podTemplate({ app: name }),
      ...spec,
    },
  };
}

/** Pods as the store has them now (not the cache). */
export async function podsIn(h: Harness, namespace = 'default'): Promise<PodObject[]> {
  return (await h.registry.list(PODS, namespace)).items as PodObject[];
}

export async function activePods(h: Harness, namespace = 'default'): Promise<PodObject[]> {
  return (await podsIn(h, namespace)).filter(isPodActive);
}

export function ownerUid(obj: KubeObject): string | undefined {
  return controllerRefOf(obj)?.uid;
}

/** What an agent writes when a pod's containers run: phase Running and a Ready condition. */
export async function setPodStatus(
  h: Harness,
  pod: KubeObject,
  phase: string,
  ready: boolean,
): Promise<void> {
  const at = rfc3339(h.clock.now());
  await h.registry.modify(
    PODS,
    pod.metadata.namespace,
    pod.metadata.name!,
    (cur) => {
      if (!cur) throw new Error(`pod ${pod.metadata.name} is gone`);
      const status = ready ? 'True' : 'False';
      cur.status = {
        ...(cur.status as object),
        phase,
        conditions: [
          { type: 'Ready', status, lastTransitionTime: at },
          { type: 'ContainersReady', status, lastTransitionTime: at },
        ],
      };
      return cur;
    },
    { subresource: 'status' },
  );
}

/**
 * Sets `spec.nodeName` as the scheduler's binding does. Written to the store directly: the
 * binding subresource is the apiserver's, and pod updates may not change `spec.nodeName`.
 */
export async function bindPod(h: Harness, pod: KubeObject, nodeName: string): Promise<void> {
  const key = storageKey(PODS, pod.metadata.namespace, pod.metadata.name!);
  const kv = await h.store.get(key);
  if (!kv) throw new Error(`pod ${pod.metadata.name} is gone`);
  const obj = JSON.parse(kv.value) as KubeObject;
  (obj.spec as { nodeName?: string }).nodeName = nodeName;
  await h.store.update(key, JSON.stringify(obj), kv.modRevision);
}

/** Marks every active pod that is not Ready yet as Running and Ready. */
export async function markAllReady(h: Harness, namespace = 'default'): Promise<number> {
  let n = 0;
  for (const pod of await activePods(h, namespace)) {
    if (isPodReady(pod)) continue;
    await setPodStatus(h, pod, 'Running', true);
    n++;
  }
  return n;
}

export interface Reconciler {
  reconcile(key: string): Promise<ReconcileResult | void>;
}

export interface Controllers {
  readonly deployments?: Reconciler;
  readonly replicaSets?: Reconciler;
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace}/${o.metadata.name}`;

/** One round: every Deployment, then every ReplicaSet, each against a caught-up cache. */
export async function round(h: Harness, c: Controllers): Promise<void> {
  await h.sync();
  if (c.deployments) {
    for (const d of (await h.registry.list(DEPLOYMENTS, undefined)).items) {
      await c.deployments.reconcile(keyOf(d));
    }
    await h.sync();
  }
  if (c.replicaSets) {
    for (const rs of (await h.registry.list(REPLICA_SETS, undefined)).items) {
      await c.replicaSets.reconcile(keyOf(rs));
    }
    await h.sync();
  }
}

/** Rounds until a round writes nothing. */
export async function settle(h: Harness, c: Controllers, roundsMax = 50): Promise<void> {
  for (let i = 0; i < roundsMax; i++) {
    const before = await h.store.currentRevision();
    await round(h, c);
    if ((await h.store.currentRevision()) === before) return;
  }
  throw new Error(`controllers did not settle in ${roundsMax} rounds`);
}
