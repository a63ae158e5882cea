/**
 * Builders for scheduler tests: nodes with allocatable resources and labels, pods with requests.
 *
 *   const n = node('n1', { cpu: '2', memory: '4Gi' }, { labels: { disk: 'ssd' } });
 *   const p = pod('web-1', { cpu: '500m' }, { nodeSelector: { disk: 'ssd' } });
 */
import type {
  Container,
  PodAffinityTerm,
  TopologySpreadConstraint,
} from 'kubernetes-types/core/v1.js';
import { clusterView } from './cluster-view.ts';
import { interPodFilter, prepareInterPod } from './inter-pod.ts';
import type { Node, Pod, PodsOnNodes, ScheduleOptions, Taint } from './types.ts';

export interface NodeOptions {
  readonly labels?: Record<string, string>;
  readonly taints?: Taint[];
  readonly unschedulable?: boolean;
  /** Overrides the pods capacity (110 by default). */
  readonly pods?: string;
}

export function node(
  name: string,
  allocatable: Record<string, string> = { cpu: '4', memory: '8Gi' },
  o: NodeOptions = {},
): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: {
      ...(o.taints ? { taints: o.taints } : {}),
      ...(o.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      allocatable: { pods: o.pods ?? '110', ...allocatable },
      capacity: { pods: o.pods ?? '110', ...allocatable },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

export interface PodOptions {
  readonly namespace?: string;
  readonly nodeName?: string;
  readonly phase?: string;
  readonly owner?: string;
  readonly spec?: Partial<NonNullable<Pod['spec']>>;
  readonly labels?: Record<string, string>;
}

export function container(name: string, requests?: Record<string, string>): Container {
  return {
    name,
    image: 'registry.local/app:1',
    ...(requests ? { resources: { requests } } : {}),
  };
}

export function pod(name: string, requests?: Record<string, string>, o: PodOptions = {}): Pod {
  const ns = o.namespace ?? 'default';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-${ns}-${name}`,
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.owner
        ? {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner, uid: `rs-${o.owner}` },
            ].map((r) => ({ ...r, controller: true })),
          }
        : {}),
    },
    spec: {
      containers: [container('app', requests)],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...o.spec,
    },
    status: { phase: o.phase ?? (o.nodeName ? 'Running' : 'Pending') },
  };
}

/** Groups bound pods by node, as the scheduler cache presents them. */
export function onNodes(pods: readonly Pod[]): PodsOnNodes {
  const m = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (!n) continue;
    if (!m.has(n)) m.set(n, []);
    m.get(n)!.push(p);
  }
  return m;
}

/** A `DoNotSchedule` spread constraint of maxSkew 1 over pods labelled `matchLabels`. */
export function spreadOver(
  topologyKey: string,
  matchLabels: Record<string, string>,
  o: Partial<TopologySpreadConstraint> = {},
): TopologySpreadConstraint {
  return {
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'DoNotSchedule',
    labelSelector: { matchLabels },
    ...o,
  };
}

/** A pod affinity term over pods labelled `matchLabels`. */
export function podTerm(
  topologyKey: string,
  matchLabels: Record<string, string>,
  o: Partial<PodAffinityTerm> = {},
): PodAffinityTerm {
  return { topologyKey, labelSelector: { matchLabels }, ...o };
}

/**
 * The topology spread and inter-pod affinity verdict on every node, as `schedule` reaches it
 * after the per-node filters: `fits`, or the reason the node was refused.
 */
export function interPodVerdicts(
  p: Pod,
  nodes: readonly Node[],
  bound: readonly Pod[],
  options: Pick<ScheduleOptions, 'namespaceLabels'> = {},
): Record<string, string> {
  const view = clusterView(nodes, onNodes(bound), options);
  const needs = { runtime: { tolerations: [] }, tolerations: p.spec?.tolerations ?? [] };
  const rules = prepareInterPod(p, needs, view);
  if ('invalid' in rules) throw new Error(rules.invalid);
  return Object.fromEntries(
    nodes.map((n) => [n.metadata!.name!, interPodFilter(rules, n)?.reasons[0] ?? 'fits']),
  );
}
