/**
 * Everything the mesh reads from one NodeDesired, indexed once per document: the service table,
 * this node's ready pods by IP (labels and named ports, for policy), the NetworkPolicies, the
 * namespace labels and the peers hosting endpoints. Pure.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import type { NodeDesired } from '@wisp/api/wire/messages.ts';
import type { Labels } from './network-policy.ts';
import { buildServiceTable, ServiceTable } from './service-table.ts';

export type MeshDocument = Pick<
  NodeDesired,
  'nodeName' | 'pods' | 'services' | 'endpoints' | 'networkPolicies' | 'namespaces' | 'meshPeers'
>;

export interface LocalPod {
  readonly ip: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly portNames: Readonly<Record<string, number>>;
}

export interface MeshState {
  readonly table: ServiceTable;
  /** Pods on this node that are a ready endpoint of some service, by IP. */
  readonly localPods: ReadonlyMap<string, LocalPod>;
  readonly policies: readonly NetworkPolicy[];
  readonly namespaceLabels: ReadonlyMap<string, Labels>;
  readonly peers: ReadonlyMap<string, { peerId: string; addresses: readonly string[] }>;
  /** Pods this node runs, by `namespace/name` (sources of outgoing calls). */
  readonly pods: ReadonlyMap<string, Pod>;
}

export const emptyMeshState: MeshState = buildMeshState({
  nodeName: '',
  pods: [],
  services: [],
  endpoints: [],
});

export function buildMeshState(doc: MeshDocument): MeshState {
  const pods = new Map(doc.pods.map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p]));
  const localPods = new Map<string, LocalPod>();
  for (const ep of doc.endpoints) {
    for (const subset of ep.subsets ?? []) {
      for (const a of subset.addresses ?? []) {
        if (a.nodeName !== doc.nodeName || !a.targetRef?.name) continue;
        const namespace = a.targetRef.namespace ?? ep.metadata?.namespace ?? '';
        const pod = pods.get(`${namespace}/${a.targetRef.name}`);
        if (!pod) continue;
        localPods.set(a.ip, {
          ip: a.ip,
          namespace,
          name: a.targetRef.name,
          labels: pod.metadata?.labels ?? {},
          portNames: portNames(pod),
        });
      }
    }
  }
  return {
    table: buildServiceTable(doc.services, doc.endpoints),
    localPods,
    policies: doc.networkPolicies ?? [],
    namespaceLabels: new Map((doc.namespaces ?? []).map((n) => [n.name, n.labels])),
    peers: new Map(
      (doc.meshPeers ?? []).map((p) => [p.nodeName, { peerId: p.peerId, addresses: p.addresses }]),
    ),
    pods,
  };
}

function portNames(pod: Pod): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name) out[p.name] = p.containerPort;
  }
  return out;
}
