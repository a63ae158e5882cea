/**
 * What the node authorizer needs to know about pods, read through the registry: which node a pod
 * is bound to, and the pods bound to a node in a namespace.
 */
import type { Pod } from '@wisp/api';
import { findResource } from '@wisp/api';
import { isWispError } from '@wisp/core';
import type { Registry } from '../registry/registry.ts';

const PODS = findResource('', 'pods')!;

export interface NodeGraph {
  /** The node a pod is bound to ('' while unscheduled), or undefined when there is no such pod. */
  podNode(namespace: string, name: string): Promise<string | undefined>;
  podsOnNode(nodeName: string, namespace: string): Promise<Pod[]>;
}

export function registryNodeGraph(registry: Registry): NodeGraph {
  return {
    async podNode(namespace, name) {
      try {
        const pod = (await registry.get(PODS, namespace, name)) as Pod;
        return pod.spec?.nodeName ?? '';
      } catch (e) {
        if (isWispError(e, 'ERR_NOT_FOUND')) return undefined;
        throw e;
      }
    },
    async podsOnNode(nodeName, namespace) {
      const list = await registry.list(PODS, namespace, {
        fieldSelector: `spec.nodeName=${nodeName}`,
      });
      return list.items as Pod[];
    },
  };
}
