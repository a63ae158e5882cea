/**
 * Binding a pod to a node: what the `pods/binding` subresource does, shared with the in-process
 * scheduler so both refuse the same things (a pod already bound, or being deleted).
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import { ObjectConflictError, ObjectNotFoundError } from './errors.ts';
import type { Registry } from './registry.ts';
import type { WriteOptions } from './types.ts';

const PODS = findResource('', 'pods')!;

export async function bindPod(
  registry: Registry,
  namespace: string,
  name: string,
  nodeName: string,
  options: WriteOptions = {},
): Promise<KubeObject> {
  const { object } = await registry.modify(
    PODS,
    namespace,
    name,
    (pod) => {
      if (!pod) throw new ObjectNotFoundError(PODS, name);
      const spec = pod.spec as { nodeName?: string };
      if (pod.metadata.deletionTimestamp) {
        throw new ObjectConflictError(
          PODS,
          name,
          'pod is being deleted, cannot be assigned to a host',
        );
      }
      if (spec.nodeName) {
        throw new ObjectConflictError(
          PODS,
          name,
          `pod ${name} is already assigned to node "${spec.nodeName}"`,
        );
      }
      spec.nodeName = nodeName;
      return pod;
    },
    { ...options, subresource: 'binding' },
  );
  return object;
}
