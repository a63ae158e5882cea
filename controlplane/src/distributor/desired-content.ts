/**
 * What one node must run, read from the informer caches: the pods bound to it, the ConfigMaps and
 * Secrets they reference, and what its mesh needs — every Service and Endpoints (a pod may call
 * any namespace, and every node listens on every NodePort), the NetworkPolicies selecting its
 * pods, namespace labels, and the libp2p peers of the nodes hosting endpoints. Each object is
 * trimmed to what an agent needs; `resourceVersion`, `managedFields` and pod status are left
 * out, so a node's own status reports do not make a new document. Pure.
 *
 *   const content = desiredContent('edge-1', sources);
 *   if (contentDigest(content, key) !== last.digest) publish(...);
 */
import { createHash } from 'node:crypto';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type {
  ConfigMap,
  Endpoints,
  Namespace,
  Pod,
  Secret,
  Service,
} from 'kubernetes-types/core/v1.js';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import type { MeshNamespace, MeshPeer } from '@wisp/api/wire/messages.ts';
import { selectorFromLabelSelector } from '@wisp/api';
import { podReferences } from '../auth/node-authorizer-refs.ts';
import { stableJson } from '../registry/codec.ts';

export interface DesiredSources {
  podsOnNode(nodeName: string): readonly Pod[];
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  /** Every Service and Endpoints in the cluster. */
  allServices(): readonly Service[];
  allEndpoints(): readonly Endpoints[];
  networkPolicies(namespace: string): readonly NetworkPolicy[];
  namespaces(): readonly Namespace[];
  /** The libp2p identity a node was certified with, and where it was seen. */
  meshPeer(nodeName: string): MeshPeer | undefined;
}

/** A node's desired state before its secrets are sealed. */
export interface DesiredContent {
  readonly nodeName: string;
  readonly pods: readonly Pod[];
  readonly configMaps: readonly ConfigMap[];
  readonly secrets: readonly Secret[];
  readonly services: readonly Service[];
  readonly endpoints: readonly Endpoints[];
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly namespaces: readonly MeshNamespace[];
  readonly meshPeers: readonly MeshPeer[];
}

export function desiredContent(nodeName: string, sources: DesiredSources): DesiredContent {
  const pods = [...sources.podsOnNode(nodeName)].sort(byName);
  const namespaces = [...new Set(pods.map((p) => p.metadata?.namespace ?? ''))].sort();
  const configMaps = new Map<string, ConfigMap>();
  const secrets = new Map<string, Secret>();
  for (const pod of pods) {
    const ns = pod.metadata?.namespace ?? '';
    const refs = podReferences(pod);
    for (const name of refs.configMaps) {
      const cm = sources.configMap(ns, name);
      if (cm) configMaps.set(`${ns}/${name}`, cm);
    }
    for (const name of refs.secrets) {
      const s = sources.secret(ns, name);
      if (s) secrets.set(`${ns}/${name}`, s);
    }
  }
  const endpoints = [...sources.allEndpoints()].sort(byName).map(trimEndpoints);
  return {
    nodeName,
    pods: pods.map(trimPod),
    configMaps: [...configMaps.values()].sort(byName).map(trimConfigMap),
    secrets: [...secrets.values()].sort(byName),
    services: [...sources.allServices()].sort(byName).map(trimService),
    endpoints,
    networkPolicies: namespaces.flatMap((ns) =>
      policiesSelecting(sources.networkPolicies(ns), pods).map(trimNetworkPolicy),
    ),
    namespaces: [...sources.namespaces()]
      .map((n) => ({ name: n.metadata?.name ?? '', labels: n.metadata?.labels ?? {} }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    meshPeers: meshPeersFor(nodeName, endpoints, sources),
  };
}

/** The nodes named by endpoint addresses (ready or not, so a turn to ready needs no lookup). */
export function endpointNodes(endpoints: readonly Endpoints[]): Set<string> {
  const names = new Set<string>();
  for (const ep of endpoints) {
    for (const subset of ep.subsets ?? []) {
      for (const a of [...(subset.addresses ?? []), ...(subset.notReadyAddresses ?? [])]) {
        if (a.nodeName) names.add(a.nodeName);
      }
    }
  }
  return names;
}

function meshPeersFor(
  nodeName: string,
  endpoints: readonly Endpoints[],
  sources: DesiredSources,
): MeshPeer[] {
  const out: MeshPeer[] = [];
  for (const name of [...endpointNodes(endpoints)].sort()) {
    if (name === nodeName) continue;
    const peer = sources.meshPeer(name);
    if (peer) out.push(peer);
  }
  return out;
}

function policiesSelecting(policies: readonly NetworkPolicy[], pods: readonly Pod[]) {
  return [...policies].sort(byName).filter((np) => {
    let selector;
    try {
      selector = selectorFromLabelSelector(np.spec?.podSelector ?? {});
    } catch {
      return false;
    }
    const ns = np.metadata?.namespace;
    return pods.some((p) => p.metadata?.namespace === ns && selector.matches(p.metadata?.labels));
  });
}

function trimNetworkPolicy(np: NetworkPolicy): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(np.metadata),
    ...(np.spec ? { spec: np.spec } : {}),
  };
}

/**
 * Identifies the content and the key its secrets will be sealed to; a change of either makes a
 * new document. Secrets enter only through this hash.
 */
export function contentDigest(content: DesiredContent, sealKey: Uint8Array | undefined): string {
  const h = createHash('sha256');
  h.update(stableJson(content));
  h.update(sealKey ? Buffer.from(sealKey).toString('hex') : '-');
  return h.digest('hex');
}

function byName(a: { metadata?: ObjectMeta }, b: { metadata?: ObjectMeta }): number {
  const ka = `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`;
  const kb = `${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function meta(m: ObjectMeta | undefined, extra: (keyof ObjectMeta)[] = []): ObjectMeta {
  const out: Record<string, unknown> = { name: m?.name, namespace: m?.namespace };
  for (const k of ['uid', 'labels', 'annotations', ...extra] as (keyof ObjectMeta & string)[]) {
    if (m?.[k] !== undefined) out[k] = m[k];
  }
  return out as ObjectMeta;
}

function trimPod(pod: Pod): Pod {
  const extra: (keyof ObjectMeta)[] = [
    'generation',
    'ownerReferences',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
  ];
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta(pod.metadata, extra), spec: pod.spec };
}

function trimConfigMap(cm: ConfigMap): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(cm.metadata),
    ...(cm.data ? { data: cm.data } : {}),
    ...(cm.binaryData ? { binaryData: cm.binaryData } : {}),
    ...(cm.immutable !== undefined ? { immutable: cm.immutable } : {}),
  };
}

function trimService(svc: Service): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: meta(svc.metadata), spec: svc.spec };
}

function trimEndpoints(ep: Endpoints): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: meta(ep.metadata),
    ...(ep.subsets ? { subsets: ep.subsets } : {}),
  };
}
