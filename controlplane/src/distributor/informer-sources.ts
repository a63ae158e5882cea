/**
 * The distributor's view of the informer caches: which node each pod is bound to (an index kept
 * from pod events, so building one node's document does not scan every pod), which nodes have
 * pods in a namespace, and the `DesiredSources` the document builder reads.
 *
 *   const view = createInformerSources(informers);
 *   view.onNodesAffected((nodes) => nodes.forEach(enqueue));
 */
import { findResource, type KubeObject } from '@wisp/api';
import type {
  ConfigMap,
  Endpoints,
  Namespace,
  Pod,
  Secret,
  Service,
} from 'kubernetes-types/core/v1.js';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import type { InformerFactory } from '../informer/factory.ts';
import type { Informer } from '../informer/informer.ts';
import type { DesiredSources } from './desired-content.ts';

export interface InformerSources extends Omit<DesiredSources, 'meshPeer'> {
  readonly nodes: Informer;
  /** Hears the names of nodes whose documents a change may affect. */
  onNodesAffected(listener: (nodeNames: readonly string[]) => void): void;
  /** Names of nodes with at least one pod in the namespace. */
  nodesInNamespace(namespace: string): string[];
}

const resource = (group: string, plural: string) => findResource(group, plural)!;

export function createInformerSources(informers: InformerFactory): InformerSources {
  const pods = informers.for(resource('', 'pods'));
  const nodes = informers.for(resource('', 'nodes'));
  const configMaps = informers.for(resource('', 'configmaps'));
  const secrets = informers.for(resource('', 'secrets'));
  const services = informers.for(resource('', 'services'));
  const endpoints = informers.for(resource('', 'endpoints'));
  const policies = informers.for(resource('networking.k8s.io', 'networkpolicies'));
  const namespaces = informers.for(resource('', 'namespaces'));
  const podsByNode = new Map<string, Set<string>>();
  const listeners: ((nodeNames: readonly string[]) => void)[] = [];
  const notify = (names: string[]) => {
    const unique = [...new Set(names.filter(Boolean))];
    if (unique.length) for (const l of listeners) l(unique);
  };

  const nodeOf = (o: KubeObject | undefined) => (o as Pod | undefined)?.spec?.nodeName ?? '';
  pods.onChange((key, obj, old) => {
    const was = nodeOf(old);
    const now = nodeOf(obj);
    if (was && was !== now) podsByNode.get(was)?.delete(key);
    if (now) podsByNode.set(now, (podsByNode.get(now) ?? new Set()).add(key));
    notify([was, now]);
  });
  nodes.onChange((key) => notify([key]));
  const byNamespace = (_key: string, obj?: KubeObject, old?: KubeObject) => {
    const ns = obj?.metadata.namespace ?? old?.metadata.namespace ?? '';
    notify(nodesInNamespace(ns));
  };
  for (const inf of [configMaps, secrets, policies]) inf.onChange(byNamespace);
  // Every node's mesh holds every Service, Endpoints and namespace label set.
  const everyNode = () => notify(nodes.list().map((n) => n.metadata.name ?? ''));
  for (const inf of [services, endpoints, namespaces]) inf.onChange(everyNode);

  function podsOnNode(nodeName: string): Pod[] {
    const out: Pod[] = [];
    for (const key of podsByNode.get(nodeName) ?? []) {
      const [ns, name] = key.split('/');
      const pod = pods.get(ns, name) as Pod | undefined;
      if (pod?.spec?.nodeName === nodeName) out.push(pod);
    }
    return out;
  }

  function nodesInNamespace(namespace: string): string[] {
    const out: string[] = [];
    for (const [node, keys] of podsByNode) {
      for (const key of keys) {
        if (key.startsWith(`${namespace}/`)) {
          out.push(node);
          break;
        }
      }
    }
    return out;
  }

  return {
    nodes,
    podsOnNode,
    nodesInNamespace,
    configMap: (ns, name) => configMaps.get(ns, name) as ConfigMap | undefined,
    secret: (ns, name) => secrets.get(ns, name) as Secret | undefined,
    allServices: () => services.list() as Service[],
    allEndpoints: () => endpoints.list() as Endpoints[],
    networkPolicies: (ns) => policies.list(ns) as NetworkPolicy[],
    namespaces: () => namespaces.list() as Namespace[],
    onNodesAffected: (listener) => void listeners.push(listener),
  };
}
