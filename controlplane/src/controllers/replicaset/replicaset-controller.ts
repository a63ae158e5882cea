/**
 * The ReplicaSet controller: keeps `spec.replicas` pods that match a ReplicaSet's selector and
 * are controlled by it. Pod and ReplicaSet events only enqueue the owning ReplicaSet's key (and
 * tell the expectations what arrived); `reconcile(key)` does the work.
 *
 *   const rs = createReplicaSetController({}, { registry, informers, clock, random, events });
 *   await informers.start();
 *   rs.start();
 */
import type { KubeObject } from '@wisp/api';
import { isDeepStrictEqual } from 'node:util';
import type { Clock, Random } from '@wisp/core';
import type { InformerFactory } from '../../informer/factory.ts';
import type { Informer } from '../../informer/informer.ts';
import type { Registry } from '../../registry/registry.ts';
import { createController } from '../framework/controller.ts';
import type { Controller, ReconcileResult } from '../framework/controller.ts';
import type { EventRecorder } from '../framework/events.ts';
import { liveOwnerKey, selectingOwnerKeys } from '../framework/owners.ts';
import { controllerRefOf } from './controller-ref.ts';
import { createExpectations } from './expectations.ts';
import type { Expectations } from './expectations.ts';
import { podKey } from './manage-replicas.ts';
import { PODS, REPLICA_SETS, syncReplicaSet } from './sync-replicaset.ts';

export interface ReplicaSetInit {
  /** Keys reconciled in parallel. */
  readonly workers?: number;
  /** Pod creations or deletions one sync may start. */
  readonly burstPodsMax?: number;
  /** How long unobserved pod writes hold back the next create or delete. */
  readonly expectationsTimeoutMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
}

export interface ReplicaSetComponents {
  readonly registry: Registry;
  readonly informers: InformerFactory;
  readonly clock: Clock;
  readonly random: Random;
  readonly events: EventRecorder;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface ReplicaSetController extends Controller {
  /** One reconcile of `namespace/name`, as a worker runs it. */
  reconcile(key: string): Promise<ReconcileResult | void>;
  readonly expectations: Expectations;
}

export function createReplicaSetController(
  init: ReplicaSetInit,
  c: ReplicaSetComponents,
): ReplicaSetController {
  const replicaSets = c.informers.for(REPLICA_SETS);
  const pods = c.informers.for(PODS);
  const expectations = createExpectations(init, c.clock);
  const deps = {
    registry: c.registry,
    clock: c.clock,
    events: c.events,
    expectations,
    replicaSets,
    pods,
    burstPodsMax: init.burstPodsMax ?? 500,
  };
  const reconcile = (key: string) => syncReplicaSet(key, deps);
  const controller = createController(
    {
      name: 'replicaset',
      workers: init.workers ?? 5,
      backoffBaseMs: init.backoffBaseMs,
      backoffMaxMs: init.backoffMaxMs,
    },
    { clock: c.clock, reconcile, log: c.log },
  );
  replicaSets.onChange((key, obj) => {
    if (!obj) expectations.forget(key);
    controller.enqueue(key);
  });
  watchPods(pods, replicaSets, expectations, (key) => controller.enqueue(key));
  return { ...controller, reconcile, expectations };
}

function watchPods(
  pods: Informer,
  replicaSets: Informer,
  expectations: Expectations,
  enqueue: (key: string) => void,
): void {
  const gone = (pod: KubeObject): void => {
    const owner = liveOwnerKey(
      replicaSets,
      'ReplicaSet',
      pod.metadata.namespace,
      controllerRefOf(pod),
    );
    if (!owner) return;
    expectations.deletionObserved(owner, podKey(pod));
    enqueue(owner);
  };
  const added = (pod: KubeObject): void => {
    if (pod.metadata.deletionTimestamp) return gone(pod);
    const ref = controllerRefOf(pod);
    if (ref) {
      const owner = liveOwnerKey(replicaSets, 'ReplicaSet', pod.metadata.namespace, ref);
      if (!owner) return;
      expectations.creationObserved(owner);
      enqueue(owner);
      return;
    }
    for (const key of selectingOwnerKeys(replicaSets, pod)) enqueue(key);
  };
  const updated = (cur: KubeObject, old: KubeObject): void => {
    if (cur.metadata.resourceVersion === old.metadata.resourceVersion) return;
    const labelsChanged = !isDeepStrictEqual(cur.metadata.labels, old.metadata.labels);
    if (cur.metadata.deletionTimestamp) {
      gone(cur);
      if (labelsChanged) gone(old);
      return;
    }
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = !isDeepStrictEqual(curRef, oldRef);
    if (refChanged && oldRef) {
      const owner = liveOwnerKey(replicaSets, 'ReplicaSet', old.metadata.namespace, oldRef);
      if (owner) enqueue(owner);
    }
    if (curRef) {
      const owner = liveOwnerKey(replicaSets, 'ReplicaSet', cur.metadata.namespace, curRef);
      if (owner) enqueue(owner);
      return;
    }
    if (labelsChanged || refChanged)
      for (const key of selectingOwnerKeys(replicaSets, cur)) enqueue(key);
  };
  pods.onChange((_key, obj, old) => {
    if (obj && old) updated(obj, old);
    else if (obj) added(obj);
    else if (old) gone(old);
  });
}
