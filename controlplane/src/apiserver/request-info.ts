/**
 * Parses a request path into what it addresses, as kube-apiserver's RequestInfoFactory does:
 * `/apis/apps/v1/namespaces/default/deployments/web/scale` → group apps, version v1,
 * namespace default, resource deployments, name web, subresource scale, verb from the method.
 */
import type { ResourceInfo } from '@wisp/api';
import { findResource } from '@wisp/api';

export interface RequestInfo {
  readonly isResourceRequest: boolean;
  readonly path: string;
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly namespace?: string;
  /** The namespace authorization sees (for `namespaces/<name>`, the name itself). */
  readonly authzNamespace?: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly name?: string;
  readonly info?: ResourceInfo;
}

export function parseRequestInfo(method: string, path: string, watch: boolean): RequestInfo {
  const parts = path.split('/').filter(Boolean);
  const none: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    group: '',
    version: '',
    resource: '',
  };
  let i: number;
  let group = '';
  if (parts[0] === 'api' && parts.length >= 3) i = 1;
  else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    i = 2;
  } else return none;
  const version = parts[i++];
  let namespace: string | undefined;
  let rest = parts.slice(i);
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  } else if (rest[0] === 'namespaces' && rest.length === 2) {
    // `/api/v1/namespaces/default` names the namespace object itself; upstream authorizes it
    // as inside that namespace so RoleBindings there apply.
    namespace = rest[1];
  }
  const [resource, name, subresource] = rest;
  if (!resource || rest.length > 3) return none;
  const info = findResource(group, resource);
  const collection = name === undefined;
  const verb = verbFor(method, collection, watch);
  return {
    isResourceRequest: true,
    path,
    verb,
    group,
    version,
    namespace: resource === 'namespaces' ? undefined : namespace,
    authzNamespace: namespace,
    resource,
    name,
    subresource,
    info: info && info.version === version ? info : undefined,
  };
}

function verbFor(method: string, collection: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return collection ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return collection ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}
