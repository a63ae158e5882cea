/**
 * The node authorizer (upstream's `Node` mode, simplified): a user `system:node:<n>` in group
 * `system:nodes` may
 *
 *   read     its own Node (list/watch: all Nodes), pods bound to it (list/watch: all pods, as a
 *            kubelet lists with a spec.nodeName field selector the authorizer cannot see),
 *            services, endpoints, runtime classes, and the ConfigMaps and Secrets that pods
 *            bound to it reference (by name; never list or watch them)
 *   write    its own Node and Node status (create too: the admission step checks the name),
 *            its Lease in kube-node-lease, the status of pods bound to it, and events
 *
 * Anything else gets no opinion, and the next authorizer (RBAC) decides; `unionAuthorizer`
 * composes them as `Node,RBAC`. Everyone who is not a node gets no opinion at all.
 *
 *   const authz = unionAuthorizer([createNodeAuthorizer({ graph: registryNodeGraph(registry) }),
 *     createRbacAuthorizer({ source })]);
 */
import { nodeNameOfUser } from '@wisp/api/wire/identity.ts';
import type { RequestAttributes } from './attributes.ts';
import { forbiddenMessage } from './auth-status.ts';
import type { NodeGraph } from './node-authorizer-graph.ts';
import { podReferences } from './node-authorizer-refs.ts';
import type { Decision } from './rbac.ts';
import type { UserInfo } from './user-info.ts';

export const nodeLeaseNamespace = 'kube-node-lease';

export interface NodeAuthorizer {
  authorize(user: UserInfo, attrs: RequestAttributes): Promise<Decision>;
  forbiddenMessage(user: UserInfo, attrs: RequestAttributes, reason?: string): string;
}

const reads = new Set(['get', 'list', 'watch']);
const writes = new Set(['update', 'patch']);
const allow: Decision = { allowed: true, reason: '' };
const noOpinion = (reason = ''): Decision => ({ allowed: false, reason });

export function createNodeAuthorizer(components: { readonly graph: NodeGraph }): NodeAuthorizer {
  const { graph } = components;

  async function podBoundHere(node: string, attrs: RequestAttributes): Promise<Decision> {
    if (!attrs.namespace || !attrs.name) return noOpinion();
    const boundTo = await graph.podNode(attrs.namespace, attrs.name);
    if (boundTo === node) return allow;
    return noOpinion(`node '${node}' has no pod "${attrs.namespace}/${attrs.name}" bound to it`);
  }

  async function referencedHere(node: string, attrs: RequestAttributes): Promise<Decision> {
    if (attrs.verb !== 'get' || !attrs.namespace || !attrs.name) return noOpinion();
    const kind = attrs.resource === 'secrets' ? 'secrets' : 'configMaps';
    for (const pod of await graph.podsOnNode(node, attrs.namespace)) {
      if (podReferences(pod)[kind].has(attrs.name)) return allow;
    }
    return noOpinion(`no relationship found between node '${node}' and this object`);
  }

  async function core(node: string, attrs: RequestAttributes): Promise<Decision> {
    const { verb, resource, subresource, name } = attrs;
    switch (resource) {
      case 'nodes':
        if (subresource === 'status')
          return writes.has(verb) && name === node ? allow : noOpinion();
        if (subresource) return noOpinion();
        if (verb === 'list' || verb === 'watch' || verb === 'create') return allow;
        return (reads.has(verb) || writes.has(verb)) && name === node ? allow : noOpinion();
      case 'pods':
        if (subresource === 'status')
          return writes.has(verb) ? podBoundHere(node, attrs) : noOpinion();
        if (subresource) return noOpinion();
        if (verb === 'list' || verb === 'watch') return allow;
        // `delete`: the final removal once the node has stopped a pod that is being deleted.
        return verb === 'get' || verb === 'delete' ? podBoundHere(node, attrs) : noOpinion();
      case 'services':
      case 'endpoints':
        return reads.has(verb) && !subresource ? allow : noOpinion();
      case 'configmaps':
      case 'secrets':
        return subresource ? noOpinion() : referencedHere(node, attrs);
      case 'events':
        return verb === 'create' || writes.has(verb) ? allow : noOpinion();
      default:
        return noOpinion();
    }
  }

  function lease(node: string, attrs: RequestAttributes): Decision {
    if (attrs.resource !== 'leases' || attrs.namespace !== nodeLeaseNamespace) return noOpinion();
    if (attrs.subresource) return noOpinion();
    if (attrs.verb === 'create') return allow;
    const own = attrs.name === node;
    return own && (attrs.verb === 'get' || writes.has(attrs.verb)) ? allow : noOpinion();
  }

  return {
    forbiddenMessage: (user, attrs, reason) => forbiddenMessage(user, attrs, reason),
    async authorize(user, attrs) {
      const node = nodeNameOfUser(user);
      if (node === undefined || attrs.nonResourceURL !== undefined) return noOpinion();
      switch (attrs.apiGroup ?? '') {
        case '':
          return core(node, attrs);
        case 'coordination.k8s.io':
          return lease(node, attrs);
        case 'events.k8s.io':
          return attrs.resource === 'events' && (attrs.verb === 'create' || writes.has(attrs.verb))
            ? allow
            : noOpinion();
        case 'node.k8s.io':
          return attrs.resource === 'runtimeclasses' && reads.has(attrs.verb) ? allow : noOpinion();
        default:
          return noOpinion();
      }
    },
  };
}
