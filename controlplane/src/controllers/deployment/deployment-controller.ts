/**
 * The Deployment controller: rolls a Deployment's pods from one template to the next through
 * ReplicaSets, keeping revision history that `kubectl rollout history | undo` read. Deployment,
 * ReplicaSet and pod events only enqueue the Deployment's key; `reconcile(key)` does the work.
 *
 *   const c = { registry, informers, clock, random, events };
 *   const deployments = createDeploymentController({}, c);
 *   await informers.start();
 *   deployments.start();
 */
import { isDeepStrictEqual } from 'node:util';
import type { Clock, Random } from '@wisp/core';
import type { InformerFactory } from '../../informer/factory.ts';
import type { Informer } from '../../informer/informer.ts';
import type { Registry } from '../../registry/registry.ts';
import { createController } from '../framework/controller.ts';
import type { Controller, ReconcileResult } from '../framework/controller.ts';
import type { EventRecorder } from '../framework/events.ts';
import { liveOwnerKey, selectingOwnerKeys } from '../framework/owners.ts';
import { controllerRefOf } from '../replicaset/controller-ref.ts';
import type { DeploymentSyncDeps } from './deps.ts';
import { syncDeployment } from './sync-deployment.ts';
import { DEPLOYMENTS, PODS, REPLICA_SETS } from './types.ts';
import type { DeploymentObject } from './types.ts';

export interface DeploymentInit {
  /** Keys reconciled in parallel. */
  readonly workers?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
}

export interface DeploymentComponents {
  readonly registry: Registry;
  readonly informers: InformerFactory;
  readonly clock: Clock;
  readonly random: Random;
  readonly events: EventRecorder;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface DeploymentController extends Controller {
  /** One reconcile of `namespace/name`, as a worker runs it. */
  reconcile(key: string): Promise<ReconcileResult | void>;
}

export function createDeploymentController(
  init: DeploymentInit,
  c: DeploymentComponents,
): DeploymentController {
  const deps: DeploymentSyncDeps = {
    registry: c.registry,
    clock: c.clock,
    events: c.events,
    deployments: c.informers.for(DEPLOYMENTS),
    replicaSets: c.informers.for(REPLICA_SETS),
    pods: c.informers.for(PODS),
  };
  const reconcile = (key: string) => syncDeployment(key, deps);
  const controller = createController(
    {
      name: 'deployment',
      workers: init.workers ?? 5,
      backoffBaseMs: init.backoffBaseMs,
      backoffMaxMs: init.backoffMaxMs,
    },
    { clock: c.clock, reconcile, log: c.log },
  );
  const enqueue = (key: string | undefined): void => {
    if (key) controller.enqueue(key);
  };
  deps.deployments.onChange((key) => enqueue(key));
  watchReplicaSets(deps.replicaSets, deps.deployments, enqueue);
  watchPods(deps, enqueue);
  return { ...controller, reconcile };
}

function watchReplicaSets(
  replicaSets: Informer,
  deployments: Informer,
  enqueue: (key: string | undefined) => void,
): void {
  replicaSets.onChange((_key, rs, old) => {
    if (!rs) {
      if (old)
        enqueue(
          liveOwnerKey(deployments, 'Deployment', old.metadata.namespace, controllerRefOf(old)),
        );
      return;
    }
    if (old && rs.metadata.resourceVersion === old.metadata.resourceVersion) return;
    const ref = controllerRefOf(rs);
    const oldRef = old ? controllerRefOf(old) : undefined;
    const refChanged = old !== undefined && !isDeepStrictEqual(ref, oldRef);
    if (refChanged && oldRef)
      enqueue(liveOwnerKey(deployments, 'Deployment', old!.metadata.namespace, oldRef));
    if (ref) {
      enqueue(liveOwnerKey(deployments, 'Deployment', rs.metadata.namespace, ref));
      return;
    }
    const labelsChanged = !old || !isDeepStrictEqual(rs.metadata.labels, old.metadata.labels);
    if (labelsChanged || refChanged) {
      for (const key of selectingOwnerKeys(deployments, rs)) enqueue(key);
    }
  });
}

/** A Recreate rollout waits for the old pods to be gone, so their deletion wakes it. */
function watchPods(deps: DeploymentSyncDeps, enqueue: (key: string | undefined) => void): void {
  deps.pods.onChange((_key, pod, old) => {
    if (pod || !old) return;
    const rsRef = controllerRefOf(old);
    if (rsRef?.kind !== 'ReplicaSet') return;
    const rs = deps.replicaSets.get(old.metadata.namespace, rsRef.name);
    if (!rs || rs.metadata.uid !== rsRef.uid) return;
    const key = liveOwnerKey(
      deps.deployments,
      'Deployment',
      rs.metadata.namespace,
      controllerRefOf(rs),
    );
    if (!key) return;
    const d = deps.deployments.get(rs.metadata.namespace, controllerRefOf(rs)!.name);
    if ((d as DeploymentObject | undefined)?.spec?.strategy?.type === 'Recreate') enqueue(key);
  });
}
