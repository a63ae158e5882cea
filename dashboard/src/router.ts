/**
 * The page's place, kept in the URL hash so reloads and links work: the fleet (`#/`), a node
 * (`#/node/edge-1`), a pod and its logs (`#/pod/default/web-1`), a workload's YAML
 * (`#/workload/Deployment/default/web`).
 */

export type Route =
  | { readonly page: 'fleet' }
  | { readonly page: 'node'; readonly name: string }
  | { readonly page: 'pod'; readonly namespace: string; readonly name: string }
  | {
      readonly page: 'workload';
      readonly kind: string;
      readonly namespace: string;
      readonly name: string;
    };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'node' && parts[1]) return { page: 'node', name: parts[1] };
  if (parts[0] === 'pod' && parts[1] && parts[2]) {
    return { page: 'pod', namespace: parts[1], name: parts[2] };
  }
  if (parts[0] === 'workload' && parts[1] && parts[2] && parts[3]) {
    return { page: 'workload', kind: parts[1], namespace: parts[2], name: parts[3] };
  }
  return { page: 'fleet' };
}

export function routeHash(r: Route): string {
  const e = encodeURIComponent;
  switch (r.page) {
    case 'node':
      return `#/node/${e(r.name)}`;
    case 'pod':
      return `#/pod/${e(r.namespace)}/${e(r.name)}`;
    case 'workload':
      return `#/workload/${e(r.kind)}/${e(r.namespace)}/${e(r.name)}`;
    default:
      return '#/';
  }
}
