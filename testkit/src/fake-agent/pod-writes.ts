/**
 * The two writes a kubelet makes to a pod: its status (a compare-and-swap on the
 * resourceVersion it read) and, once the containers of a deleted pod are stopped, the final
 * delete with grace 0 and the pod's uid as precondition.
 */
import type { KubeObject } from '@wisp/api';
import type { KubeClient } from '../kube-client/client.ts';
import { KubeConflictError, KubeNotFoundError } from '../kube-client/errors.ts';
import { PODS } from './resources.ts';

/**
 * True when written. False when the pod vanished, or changed under us: then the fresh pod is
 * handed to `put`, whose change notice syncs it again.
 */
export async function writePodStatus(
  client: KubeClient,
  put: (pod: KubeObject) => void,
  pod: KubeObject,
  status: unknown,
  fieldManager: string,
): Promise<boolean> {
  const ns = pod.metadata.namespace;
  try {
    put(await client.updateStatus(PODS, ns, { ...pod, status }, { fieldManager }));
    return true;
  } catch (e) {
    if (e instanceof KubeNotFoundError) return false;
    if (!(e instanceof KubeConflictError)) throw e;
    put(await client.get(PODS, ns, pod.metadata.name!));
    return false;
  }
}

/** Removes the pod object; already gone (or replaced by a namesake) is fine. */
export async function finalDeletePod(client: KubeClient, pod: KubeObject): Promise<void> {
  try {
    await client.delete(PODS, pod.metadata.namespace, pod.metadata.name!, {
      gracePeriodSeconds: 0,
      preconditions: { uid: pod.metadata.uid },
    });
  } catch (e) {
    if (!(e instanceof KubeNotFoundError) && !(e instanceof KubeConflictError)) throw e;
  }
}
