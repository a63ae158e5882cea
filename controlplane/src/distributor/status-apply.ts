/**
 * Applies what a node reports over the status protocol exactly as its REST writes would be
 * applied: as the user `system:node:<name>`, after the node authorizer allows the write (its own
 * Node status, its own Lease, the status of pods bound to it, events about itself and its pods:
 * `status-events.ts`), through the registry so admission
 * (NodeRestriction) runs too. Each write is read-modify-write on the current object, so a report
 * changes status and nothing else.
 *
 *   const apply = createStatusApplier({ registry, authorizer, clock });
 *   const results = await apply(message); // one per write
 */
import { findResource, type KubeObject } from '@wisp/api';
import { nodesGroup, nodeUserName } from '@wisp/api/wire/identity.ts';
import type {
  LeaseRenewal,
  NodeStatus,
  PodStatusEntry,
  PodStatusReport,
  WireMessage,
} from '@wisp/api/wire/messages.ts';
import type { RequestAttributes } from '../auth/attributes.ts';
import { nodeLeaseNamespace } from '../auth/node-authorizer.ts';
import type { Decision } from '../auth/rbac.ts';
import { authenticatedGroup, type UserInfo } from '../auth/user-info.ts';
import { ObjectConflictError, ObjectNotFoundError } from '../registry/errors.ts';
import type { Registry } from '../registry/registry.ts';
import type { StatusResult, StatusResultCode } from '@wisp/api/wire/protocols.ts';
import { applyEventReport } from './status-events.ts';

const NODES = findResource('', 'nodes')!;
const PODS = findResource('', 'pods')!;
const LEASES = findResource('coordination.k8s.io', 'leases')!;
export const statusFieldManager = 'wisp-agent';

export interface StatusApplierComponents {
  readonly registry: Registry;
  /** The node authorizer (or the whole `Node,RBAC` chain). */
  readonly authorizer: { authorize(user: UserInfo, attrs: RequestAttributes): Promise<Decision> };
}

/** One item's writes; `item` is filled in by the caller. */
export type ItemResult = Omit<StatusResult, 'item'>;

export type StatusApplier = (message: WireMessage) => Promise<ItemResult[]>;

export function nodeUser(nodeName: string): UserInfo {
  return { name: nodeUserName(nodeName), groups: [nodesGroup, authenticatedGroup] };
}

export function createStatusApplier(c: StatusApplierComponents): StatusApplier {
  const { registry, authorizer } = c;

  async function guarded(
    user: UserInfo,
    attrs: RequestAttributes,
    write: () => Promise<unknown>,
  ): Promise<{ ok: boolean; code: StatusResultCode; message?: string }> {
    const decision = await authorizer.authorize(user, attrs);
    if (!decision.allowed) {
      const sub = attrs.subresource ? `/${attrs.subresource}` : '';
      const what = `${attrs.resource}${sub} ${attrs.namespace ?? ''}/${attrs.name}`;
      return { ok: false, code: 'refused', message: `${user.name} may not ${attrs.verb} ${what}` };
    }
    try {
      await write();
      return { ok: true, code: 'ok' };
    } catch (e) {
      return { ok: false, code: codeOf(e), message: e instanceof Error ? e.message : String(e) };
    }
  }

  function nodeStatus(m: NodeStatus): Promise<ItemResult[]> {
    const user = nodeUser(m.nodeName);
    const attrs = { verb: 'update', resource: 'nodes', subresource: 'status', name: m.nodeName };
    return guarded(user, attrs, () =>
      registry.modify(
        NODES,
        undefined,
        m.nodeName,
        (cur) => {
          if (!cur) throw new ObjectNotFoundError(NODES, m.nodeName);
          const status = (cur as { status?: object }).status;
          return { ...cur, status: { ...status, ...m.status } } as KubeObject;
        },
        { subresource: 'status', user, fieldManager: statusFieldManager },
      ),
    ).then((r) => [{ kind: m.kind, ...r }]);
  }

  async function podStatus(m: PodStatusReport): Promise<ItemResult[]> {
    const user = nodeUser(m.nodeName);
    const out: ItemResult[] = [];
    for (const p of m.pods) {
      const attrs = {
        verb: 'update',
        resource: 'pods',
        subresource: 'status',
        namespace: p.namespace,
        name: p.name,
      };
      const r = await guarded(user, attrs, () =>
        registry.modify(
          PODS,
          p.namespace,
          p.name,
          (cur) => {
            if (!cur) throw new ObjectNotFoundError(PODS, p.name);
            // A report about an earlier pod of the same name must not land on its successor.
            if (cur.metadata.uid !== p.uid) {
              throw new ObjectConflictError(
                PODS,
                p.name,
                `uid is ${cur.metadata.uid}, not ${p.uid}`,
              );
            }
            return { ...cur, status: p.status } as KubeObject;
          },
          { subresource: 'status', user, fieldManager: statusFieldManager },
        ),
      );
      out.push({ kind: m.kind, pod: `${p.namespace}/${p.name}`, ...r });
      if (r.ok && p.removed) out.push(await removePod(user, p));
    }
    return out;
  }

  /** The node stopped a pod being deleted: remove the object now, as a kubelet's final delete. */
  async function removePod(user: UserInfo, p: PodStatusEntry): Promise<ItemResult> {
    const attrs = { verb: 'delete', resource: 'pods', namespace: p.namespace, name: p.name };
    const r = await guarded(user, attrs, async () => {
      const cur = await registry.get(PODS, p.namespace, p.name);
      // Only a deletion someone asked for: a node cannot remove a pod on its own.
      if (!cur.metadata.deletionTimestamp) {
        throw new ObjectConflictError(PODS, p.name, 'the pod is not being deleted');
      }
      await registry.delete(PODS, p.namespace, p.name, {
        user,
        gracePeriodSeconds: 0,
        preconditions: { uid: p.uid },
      });
    });
    return { kind: 'PodStatusReport', pod: `${p.namespace}/${p.name}`, ...r };
  }

  async function lease(m: LeaseRenewal): Promise<ItemResult[]> {
    const user = nodeUser(m.nodeName);
    const base = { apiGroup: 'coordination.k8s.io', resource: 'leases' };
    const attrs = { ...base, namespace: nodeLeaseNamespace, name: m.nodeName };
    const exists = await registry.get(LEASES, nodeLeaseNamespace, m.nodeName).then(
      () => true,
      () => false,
    );
    const verb = exists ? 'update' : 'create';
    const spec = {
      holderIdentity: m.nodeName,
      leaseDurationSeconds: m.leaseDurationSeconds,
      renewTime: m.renewTime,
    };
    const r = await guarded(user, { ...attrs, verb }, async () => {
      const owner = exists ? undefined : await nodeOwnerReference(registry, m.nodeName);
      await registry.modify(
        LEASES,
        nodeLeaseNamespace,
        m.nodeName,
        (cur) => {
          const obj: KubeObject = cur ?? {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: m.nodeName, namespace: nodeLeaseNamespace },
          };
          if (owner && !cur) obj.metadata.ownerReferences = [owner];
          const old = (obj as { spec?: object }).spec;
          return { ...obj, spec: { ...old, ...spec } } as KubeObject;
        },
        { user, fieldManager: statusFieldManager },
      );
    });
    return [{ kind: m.kind, ...r }];
  }

  return async (message) => {
    switch (message.kind) {
      case 'NodeStatus':
        return nodeStatus(message);
      case 'PodStatusReport':
        return podStatus(message);
      case 'LeaseRenewal':
        return lease(message);
      case 'EventReport':
        return applyEventReport(message, { registry, user: nodeUser(message.nodeName), guarded });
      default:
        return [{ kind: message.kind, ok: false, code: 'invalid', message: 'not a status' }];
    }
  };
}

async function nodeOwnerReference(registry: Registry, nodeName: string) {
  try {
    const node = await registry.get(NODES, undefined, nodeName);
    const uid = node.metadata.uid;
    return uid ? { apiVersion: 'v1', kind: 'Node', name: nodeName, uid } : undefined;
  } catch {
    return undefined;
  }
}

function codeOf(e: unknown): StatusResultCode {
  const code = (e as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ERR_NOT_FOUND':
      return 'not-found';
    case 'ERR_FORBIDDEN':
      return 'refused';
    case 'ERR_CONFLICT':
      return 'conflict';
    case 'ERR_INVALID':
    case 'ERR_BAD_REQUEST':
      return 'invalid';
    default:
      return 'failed';
  }
}
