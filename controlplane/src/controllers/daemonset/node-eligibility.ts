/**
 * Which nodes a DaemonSet's pod belongs on, as upstream's `NodeShouldRunDaemonPod`: the pod's
 * node name, nodeSelector and required node affinity must match, and its taints must be
 * tolerated, counting the tolerations every daemon pod gets. A pod already running stays while
 * only NoSchedule taints are untolerated: NoExecute is what evicts.
 *
 *   const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
 */
import type { DaemonSetLike } from './daemon-pods.ts';
import type { Node, Pod, PodSpec, Toleration } from 'kubernetes-types/core/v1.js';
import { matchesNodeSelector } from '../../scheduler/node-affinity.ts';
import { HARD_EFFECTS, untoleratedTaint } from '../../scheduler/taints.ts';

const NO_EXECUTE: ReadonlySet<string> = new Set(['NoExecute']);

const exists = (key: string, effect: 'NoExecute' | 'NoSchedule'): Toleration => ({
  key,
  operator: 'Exists',
  effect,
});

/**
 * Node problems must not evict or keep out daemon pods: they are what runs on every node, often
 * the very agents that fix the problem. NoExecute ones have no tolerationSeconds: forever.
 */
export const DAEMON_POD_TOLERATIONS: readonly Toleration[] = [
  exists('node.kubernetes.io/not-ready', 'NoExecute'),
  exists('node.kubernetes.io/unreachable', 'NoExecute'),
  exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
  exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
  exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
  exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
];

const HOST_NETWORK_TOLERATION = exists('node.kubernetes.io/network-unavailable', 'NoSchedule');

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (
    (a.key ?? '') === (b.key ?? '') &&
    (a.operator ?? 'Equal') === (b.operator ?? 'Equal') &&
    (a.value ?? '') === (b.value ?? '') &&
    (a.effect ?? '') === (b.effect ?? '')
  );
}

/** Adds each toleration unless an identical one (ignoring tolerationSeconds) is there. */
function addOrUpdateTolerations(spec: PodSpec, add: readonly Toleration[]): void {
  const list = [...(spec.tolerations ?? [])];
  for (const t of add) {
    const i = list.findIndex((x) => sameToleration(x, t));
    if (i < 0) list.push({ ...t });
    else list[i] = { ...t };
  }
  spec.tolerations = list;
}

/** The template's pod spec as it will run on `nodeName`, with the daemon tolerations. */
export function daemonPodSpec(ds: DaemonSetLike, nodeName: string): PodSpec {
  const spec = structuredClone(ds.spec?.template?.spec ?? { containers: [] });
  spec.nodeName = nodeName;
  addOrUpdateTolerations(spec, DAEMON_POD_TOLERATIONS);
  if (spec.hostNetwork) addOrUpdateTolerations(spec, [HOST_NETWORK_TOLERATION]);
  return spec;
}

/**
 * Pins the pod to the node with a `metadata.name` field term, as upstream writes it, replacing
 * any other required terms: they were already checked against this node.
 */
export function pinToNode(spec: PodSpec, nodeName: string): void {
  const affinity = spec.affinity ?? {};
  const nodeAffinity = affinity.nodeAffinity ?? {};
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] },
    ],
  };
  spec.affinity = { ...affinity, nodeAffinity };
}

export interface NodeVerdict {
  /** A daemon pod should be created here. */
  readonly shouldRun: boolean;
  /** A daemon pod already here may stay. */
  readonly shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSetLike): NodeVerdict {
  const name = node.metadata?.name ?? '';
  const wanted = ds.spec?.template?.spec?.nodeName;
  if (wanted && wanted !== name) return { shouldRun: false, shouldContinueRunning: false };
  const pod: Pod = { spec: daemonPodSpec(ds, name) };
  if (!matchesNodeSelector(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = pod.spec?.tolerations ?? [];
  const taints = node.spec?.taints;
  if (!untoleratedTaint(taints, tolerations, HARD_EFFECTS)) {
    return { shouldRun: true, shouldContinueRunning: true };
  }
  return {
    shouldRun: false,
    shouldContinueRunning: !untoleratedTaint(taints, tolerations, NO_EXECUTE),
  };
}

/** The node a daemon pod is for: its node name, or the node its affinity pins it to. */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) {
        return f.values[0];
      }
    }
  }
  return undefined;
}
