/**
 * One ReplicaSet's reconcile: claim the pods its selector matches, create or delete pods towards
 * `spec.replicas` (unless earlier writes are still on their way into the cache), then report
 * status. Reads come from the informer caches; writes go to the registry.
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import { selectorFromLabelSelector } from '@wisp/api/labels/index.ts';
import type { Selector } from '@wisp/api/labels/index.ts';
import { isWispError } from '@wisp/core';
import type { Clock } from '@wisp/core';
import { ObjectNotFoundError } from '../../registry/errors.ts';
import type { Registry } from '../../registry/registry.ts';
import { splitObjectKey, type Informer } from '../../informer/informer.ts';
import type { ReconcileResult } from '../framework/controller.ts';
import type { EventRecorder } from '../framework/events.ts';
import {
  claimObjects,
  controllerRefOf,
  FIELD_MANAGER,
  registryClaimOps,
} from './controller-ref.ts';
import { ReplicaSetSyncError } from './errors.ts';
import type { Expectations } from './expectations.ts';
import { manageReplicas, REPLICA_SET_KIND } from './manage-replicas.ts';
import { isPodActive, nextAvailabilityInMs } from './pod-conditions.ts';
import type { PodObject } from './pod-conditions.ts';
import { calculateReplicaSetStatus, sameReplicaSetStatus } from './replicaset-status.ts';
import type { ReplicaFailure, ReplicaSetObject } from './replicaset-status.ts';

export const REPLICA_SETS = findResource('apps', 'replicasets')!;
export const PODS = findResource('', 'pods')!;

export interface SyncReplicaSetDeps {
  readonly registry: Registry;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly expectations: Expectations;
  readonly replicaSets: Informer;
  readonly pods: Informer;
  readonly burstPodsMax: number;
}

export async function syncReplicaSet(
  key: string,
  deps: SyncReplicaSetDeps,
): Promise<ReconcileResult | void> {
  const { namespace, name } = splitObjectKey(key);
  const cached = deps.replicaSets.get(namespace, name) as ReplicaSetObject | undefined;
  if (!cached) {
    deps.expectations.forget(key);
    return;
  }
  const rs = structuredClone(cached);
  const needsSync = deps.expectations.satisfied(key);
  let selector: Selector;
  try {
    selector = selectorFromLabelSelector(rs.spec?.selector);
  } catch (e) {
    // A selector validation let through cannot be acted on; retrying will not fix it.
    await deps.events.record(rs, 'Warning', 'InvalidSelector', String(e));
    return;
  }
  const active = deps.pods.list(namespace).filter((p) => isPodActive(p as PodObject));
  const ops = registryClaimOps(deps.registry, PODS, rs, REPLICA_SETS, REPLICA_SET_KIND);
  const owned = (await claimObjects(rs, selector, active, ops)) as PodObject[];
  let failure: ReplicaFailure | undefined;
  if (needsSync && !rs.metadata.deletionTimestamp) {
    failure = await manageReplicas(rs, key, owned, relatedPods(rs, owned, deps), deps);
  }
  const nowMs = deps.clock.now();
  const status = calculateReplicaSetStatus(rs, owned, failure, nowMs);
  if (!sameReplicaSetStatus(rs.status, status)) await writeStatus(deps.registry, rs, status);
  if (failure) throw new ReplicaSetSyncError(key, failure.reason, failure.cause);
  const wait = nextAvailabilityInMs(owned, rs.spec?.minReadySeconds ?? 0, nowMs);
  return wait === undefined ? undefined : { requeueAfterMs: wait };
}

/** The pods of every ReplicaSet controlled by the same owner, for spreading by node. */
function relatedPods(
  rs: ReplicaSetObject,
  owned: readonly PodObject[],
  deps: SyncReplicaSetDeps,
): PodObject[] {
  const ownerUid = controllerRefOf(rs)?.uid;
  if (!ownerUid) return [...owned];
  const siblings = new Set<string>();
  for (const other of deps.replicaSets.list(rs.metadata.namespace)) {
    if (controllerRefOf(other)?.uid === ownerUid) siblings.add(other.metadata.uid!);
  }
  return deps.pods
    .list(rs.metadata.namespace)
    .filter((p) => siblings.has(controllerRefOf(p)?.uid ?? '')) as PodObject[];
}

async function writeStatus(
  registry: Registry,
  rs: ReplicaSetObject,
  status: NonNullable<ReplicaSetObject['status']>,
): Promise<void> {
  const name = rs.metadata.name!;
  try {
    await registry.modify(
      REPLICA_SETS,
      rs.metadata.namespace,
      name,
      (cur: KubeObject | undefined) => {
        if (!cur || cur.metadata.uid !== rs.metadata.uid) {
          throw new ObjectNotFoundError(REPLICA_SETS, name);
        }
        cur.status = status;
        return cur;
      },
      { subresource: 'status', fieldManager: FIELD_MANAGER },
    );
  } catch (e) {
    if (!isWispError(e, 'ERR_NOT_FOUND')) throw e;
  }
}
