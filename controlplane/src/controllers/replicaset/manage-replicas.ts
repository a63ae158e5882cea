/**
 * Bringing a ReplicaSet's pod count to `spec.replicas`: creating in slow-start batches (1, 2, 4,
 * ...) so a template the apiserver refuses fails once rather than hundreds of times, and deleting
 * the least useful pods first. Expectations are raised before writing and lowered for every write
 * that will never show up in the cache.
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import { isWispError } from '@wisp/core';
import type { Registry } from '../../registry/registry.ts';
import type { EventRecorder } from '../framework/events.ts';
import { FIELD_MANAGER } from './controller-ref.ts';
import type { OwnerKind } from './controller-ref.ts';
import type { Expectations } from './expectations.ts';
import { podFromTemplate } from './pod-from-template.ts';
import type { PodObject } from './pod-conditions.ts';
import { podsToDelete } from './pod-ranking.ts';
import type { ReplicaFailure, ReplicaSetObject } from './replicaset-status.ts';

const PODS = findResource('', 'pods')!;

export const REPLICA_SET_KIND: OwnerKind = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };

export interface ManageDeps {
  readonly registry: Registry;
  readonly events: EventRecorder;
  readonly expectations: Expectations;
  /** Pod creations or deletions one sync may start. */
  readonly burstPodsMax: number;
}

export function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

/**
 * Creates or deletes pods so `owned` reaches the wanted count. `related` are the pods of sibling
 * ReplicaSets, used to spread what remains. Returns the failure to report, if any.
 */
export async function manageReplicas(
  rs: ReplicaSetObject,
  rsKey: string,
  owned: readonly PodObject[],
  related: readonly PodObject[],
  deps: ManageDeps,
): Promise<ReplicaFailure | undefined> {
  const wanted = rs.spec?.replicas ?? 1;
  const diff = owned.length - wanted;
  if (diff < 0) return createPods(rs, rsKey, Math.min(-diff, deps.burstPodsMax), deps);
  if (diff > 0) {
    const victims = podsToDelete(owned, related, Math.min(diff, deps.burstPodsMax));
    return deletePods(rs, rsKey, victims, deps);
  }
  return undefined;
}

async function createPods(
  rs: ReplicaSetObject,
  rsKey: string,
  count: number,
  deps: ManageDeps,
): Promise<ReplicaFailure | undefined> {
  deps.expectations.expectCreations(rsKey, count);
  let created = 0;
  let failure: unknown;
  for (let batch = Math.min(count, 1); batch > 0;) {
    const results = await Promise.allSettled(
      Array.from({ length: batch }, () => createOnePod(rs, deps)),
    );
    const failed = results.find((r) => r.status === 'rejected');
    created += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) {
      failure = failed.reason;
      break;
    }
    batch = Math.min(2 * batch, count - created);
  }
  // Pods never created will never be observed: stop waiting for them.
  for (let i = created; i < count; i++) deps.expectations.creationObserved(rsKey);
  if (failure === undefined) return undefined;
  return { reason: 'FailedCreate', message: errorText(failure), cause: failure };
}

async function createOnePod(rs: ReplicaSetObject, deps: ManageDeps): Promise<void> {
  const pod = podFromTemplate(rs.spec?.template, rs, REPLICA_SET_KIND);
  try {
    const created = await deps.registry.create(PODS, rs.metadata.namespace, pod, {
      fieldManager: FIELD_MANAGER,
    });
    await deps.events.record(
      rs,
      'Normal',
      'SuccessfulCreate',
      `Created pod: ${created.metadata.name}`,
    );
  } catch (e) {
    await deps.events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${errorText(e)}`);
    throw e;
  }
}

async function deletePods(
  rs: ReplicaSetObject,
  rsKey: string,
  victims: readonly PodObject[],
  deps: ManageDeps,
): Promise<ReplicaFailure | undefined> {
  deps.expectations.expectDeletions(rsKey, victims.map(podKey));
  const results = await Promise.allSettled(victims.map((pod) => deleteOnePod(rs, pod, deps)));
  let failure: unknown;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') return;
    deps.expectations.deletionObserved(rsKey, podKey(victims[i]));
    if (!isWispError(r.reason, 'ERR_NOT_FOUND') && !isWispError(r.reason, 'ERR_CONFLICT')) {
      failure ??= r.reason;
    }
  });
  if (failure === undefined) return undefined;
  return { reason: 'FailedDelete', message: errorText(failure), cause: failure };
}

async function deleteOnePod(rs: ReplicaSetObject, pod: PodObject, deps: ManageDeps): Promise<void> {
  const name = pod.metadata.name!;
  try {
    await deps.registry.delete(PODS, pod.metadata.namespace, name, {
      preconditions: { uid: pod.metadata.uid },
      fieldManager: FIELD_MANAGER,
    });
    await deps.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  } catch (e) {
    if (!isWispError(e, 'ERR_NOT_FOUND') && !isWispError(e, 'ERR_CONFLICT')) {
      await deps.events.record(rs, 'Warning', 'FailedDelete', `Error deleting: ${errorText(e)}`);
    }
    throw e;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
