/**
 * What the inter-pod rules read about the cluster in one scheduling attempt: every node (not only
 * those that passed the filters, as kube-scheduler counts over its whole snapshot), each node by
 * name, the bound pods by namespace, and namespace labels. Built once per attempt; the node map
 * is made only if a rule asks for it, so pods without such rules pay nothing.
 *
 *   const view = clusterView(nodes, podsOnNodes, options);
 *   view.node(pod.spec.nodeName);
 */
import type { Labels } from '@wisp/api/labels/index.ts';
import { indexBoundPods } from './pod-index.ts';
import type { BoundPodIndex, Node, PodsOnNodes, ScheduleOptions } from './types.ts';

export interface ClusterView {
  readonly nodes: readonly Node[];
  readonly pods: BoundPodIndex;
  /** The node called `name`, if the attempt sees it. */
  node(name: string | undefined): Node | undefined;
  /** A namespace's labels; empty when unknown, as kube-scheduler treats a namespace it lacks. */
  namespaceLabels(namespace: string): Labels;
}

const NO_LABELS: Labels = Object.freeze({});

export function nodeName(node: Node): string {
  return node.metadata?.name ?? '';
}

export function clusterView(
  nodes: readonly Node[],
  podsOnNodes: PodsOnNodes,
  options: Pick<ScheduleOptions, 'podIndex' | 'namespaceLabels'>,
): ClusterView {
  let byName: Map<string, Node> | undefined;
  let pods = options.podIndex;
  const nsLabels = new Map<string, Labels>();
  return {
    nodes,
    get pods() {
      return (pods ??= indexBoundPods(podsOnNodes));
    },
    node(name) {
      if (name === undefined) return undefined;
      byName ??= new Map(nodes.map((n) => [nodeName(n), n]));
      return byName.get(name);
    },
    namespaceLabels(namespace) {
      let labels = nsLabels.get(namespace);
      if (!labels) {
        labels = options.namespaceLabels?.(namespace) ?? NO_LABELS;
        nsLabels.set(namespace, labels);
      }
      return labels;
    },
  };
}
