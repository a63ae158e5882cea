/**
 * API discovery in both forms kubectl understands: aggregated (apidiscovery.k8s.io/v2, one
 * request for everything) and legacy (APIVersions, APIGroupList, APIResourceList).
 */
import type { ResourceInfo, Subresource } from '@wisp/api';
import { RESOURCES, apiVersionOf, groups } from '@wisp/api';

export const AGGREGATED_CONTENT_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

const SUBRESOURCE_VERBS: Record<Subresource, string[]> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  log: ['get'],
  binding: ['create'],
  eviction: ['create'],
  ephemeralcontainers: ['get', 'patch', 'update'],
};

function subresourceKind(info: ResourceInfo, sub: Subresource) {
  switch (sub) {
    case 'scale':
      return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    case 'binding':
      return { group: '', version: 'v1', kind: 'Binding' };
    case 'eviction':
      return { group: 'policy', version: 'v1', kind: 'Eviction' };
    case 'log':
      return { group: '', version: 'v1', kind: 'Pod' };
    default:
      return { group: info.group, version: info.version, kind: info.kind };
  }
}

function discoveryResource(info: ResourceInfo) {
  return {
    resource: info.plural,
    responseKind: { group: info.group, version: info.version, kind: info.kind },
    scope: info.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: info.singular,
    verbs: [...info.verbs],
    ...(info.shortNames.length ? { shortNames: [...info.shortNames] } : {}),
    ...(info.categories.length ? { categories: [...info.categories] } : {}),
    ...(info.subresources.length
      ? {
          subresources: info.subresources.map((s) => ({
            subresource: s,
            responseKind: subresourceKind(info, s),
            verbs: SUBRESOURCE_VERBS[s],
          })),
        }
      : {}),
  };
}

function groupDiscovery(name: string, version: string) {
  const resources = RESOURCES.filter((r) => r.group === name && r.version === version);
  return {
    metadata: name ? { name, creationTimestamp: null } : { creationTimestamp: null },
    versions: [{ version, resources: resources.map(discoveryResource), freshness: 'Current' }],
  };
}

/** `/api` (core only) or `/apis` (every named group) as an APIGroupDiscoveryList. */
export function aggregatedDiscovery(core: boolean) {
  const items = core
    ? [groupDiscovery('', 'v1')]
    : groups().map((g) => groupDiscovery(g.name, g.version));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items,
  };
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups().map((g) => apiGroup(g.name, g.version)),
  };
}

export function apiGroup(name: string, version: string) {
  const gv = { groupVersion: `${name}/${version}`, version };
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions: [gv], preferredVersion: gv };
}

/** The APIResourceList of one group-version, or undefined if we serve no such version. */
export function apiResourceList(group: string, version: string) {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  const out: object[] = [];
  for (const r of resources) {
    out.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: [...r.verbs],
      ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
      ...(r.categories.length ? { categories: [...r.categories] } : {}),
    });
    for (const s of r.subresources) {
      const k = subresourceKind(r, s);
      out.push({
        name: `${r.plural}/${s}`,
        singularName: '',
        namespaced: r.namespaced,
        // kubectl (drain's eviction check) needs both once the kind is from elsewhere.
        ...(k.group !== r.group || k.version !== r.version
          ? { group: k.group, version: k.version }
          : {}),
        kind: k.kind,
        verbs: SUBRESOURCE_VERBS[s],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(resources[0]),
    resources: out,
  };
}
