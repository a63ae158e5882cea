/**
 * Creating and deleting pods for an owner, as upstream's PodControl: every write is recorded on
 * the cache barrier and reported as an Event on the owner, and a delete carries the pod's uid so
 * a same-named replacement is never removed by mistake.
 *
 *   const pods = podControl(ctx, ds);
 *   await pods.create(newDaemonPod(ds, 'node-1', hash));
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import { isWispError } from '@wisp/core';
import type { Informer } from '../../../informer/informer.ts';
import type { Registry } from '../../../registry/registry.ts';
import type { EventRecorder } from '../../framework/events.ts';
import { FIELD_MANAGER } from '../../replicaset/controller-ref.ts';
import type { CacheBarrier } from './cache-barrier.ts';

export const PODS = findResource('', 'pods')!;

export interface PodControlContext {
  readonly registry: Registry;
  readonly events: EventRecorder;
  readonly barrier: CacheBarrier;
  readonly pods: Informer;
  /** The owner's work-queue key. */
  readonly key: string;
}

/** Event texts; the defaults are ReplicaSet/DaemonSet/Job wording. */
export interface PodEventText {
  created(pod: string): string;
  createFailed(pod: string, error: string): string;
  deleted(pod: string): string;
  deleteFailed(pod: string, error: string): string;
}

const DEFAULT_TEXT: PodEventText = {
  created: (pod) => `Created pod: ${pod}`,
  createFailed: (_pod, error) => `Error creating: ${error}`,
  deleted: (pod) => `Deleted pod: ${pod}`,
  deleteFailed: (_pod, error) => `Error deleting: ${error}`,
};

export interface PodControl {
  create(pod: KubeObject): Promise<KubeObject>;
  /** Resolves false when the pod was already gone. */
  delete(pod: KubeObject): Promise<boolean>;
  /** Writes a change to a pod (labels, finalizers) checked against its uid. */
  modify(pod: KubeObject, change: (cur: KubeObject) => void): Promise<boolean>;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function podControl(
  ctx: PodControlContext,
  owner: KubeObject,
  text: PodEventText = DEFAULT_TEXT,
): PodControl {
  const { registry, events, barrier, pods, key } = ctx;
  const ns = owner.metadata.namespace;
  return {
    async create(pod) {
      const name = pod.metadata.name ?? pod.metadata.generateName ?? '';
      try {
        const created = await registry.create(PODS, ns, pod, { fieldManager: FIELD_MANAGER });
        barrier.wrote(key, pods, created.metadata.resourceVersion);
        await events.record(
          owner,
          'Normal',
          'SuccessfulCreate',
          text.created(created.metadata.name!),
        );
        return created;
      } catch (e) {
        await events.record(owner, 'Warning', 'FailedCreate', text.createFailed(name, message(e)));
        throw e;
      }
    },
    async delete(pod) {
      const name = pod.metadata.name!;
      try {
        const { object } = await registry.delete(PODS, ns, name, {
          preconditions: { uid: pod.metadata.uid },
        });
        barrier.wrote(key, pods, object.metadata.resourceVersion);
        await events.record(owner, 'Normal', 'SuccessfulDelete', text.deleted(name));
        return true;
      } catch (e) {
        if (isWispError(e, 'ERR_NOT_FOUND')) return false;
        await events.record(owner, 'Warning', 'FailedDelete', text.deleteFailed(name, message(e)));
        throw e;
      }
    },
    async modify(pod, change) {
      const name = pod.metadata.name!;
      try {
        const { object } = await registry.modify(
          PODS,
          ns,
          name,
          (cur) => {
            if (!cur || cur.metadata.uid !== pod.metadata.uid) {
              throw Object.assign(new Error('gone'), { gone: true });
            }
            change(cur);
            return cur;
          },
          { fieldManager: FIELD_MANAGER },
        );
        barrier.wrote(key, pods, object.metadata.resourceVersion);
        return true;
      } catch (e) {
        if (isWispError(e, 'ERR_NOT_FOUND') || (e as { gone?: boolean }).gone) return false;
        throw e;
      }
    },
  };
}
