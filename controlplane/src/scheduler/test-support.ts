/**
 * Builders for scheduler tests: nodes with allocatable resources and labels, pods with requests.
 *
 *   const n = node('n1', { cpu: '2', memory: '4Gi' }, { labels: { disk: 'ssd' } });
 *   const p = pod('web-1', { cpu: '500m' }, { nodeSelector: { disk: 'ssd' } });
 */
import type { Container } from 'kubernetes-types/core/v1.js';
import type { Node, Pod, PodsOnNodes, Taint } from './types.ts';

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
