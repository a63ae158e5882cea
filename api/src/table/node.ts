/** The node table: STATUS (`Ready`, `NotReady`, `,SchedulingDisabled`), ROLES, VERSION, IPs. */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../meta.ts';
import { AGE, NAME, column, doc, wide } from './columns.ts';
import { since } from './human-duration.ts';
import type { Printer } from './types.ts';

const CORE = 'io.k8s.api.core.v1';
const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

export function nodeStatus(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` keys and the legacy `kubernetes.io/role`. */
export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (key.startsWith(ROLE_LABEL_PREFIX) && key.length > ROLE_LABEL_PREFIX.length) {
      roles.add(key.slice(ROLE_LABEL_PREFIX.length));
    } else if (key === ROLE_LABEL && value !== '') {
      roles.add(value);
    }
  }
  return roles.size > 0 ? [...roles].sort().join(',') : '<none>';
}

function address(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}

export const nodePrinter: Printer = {
  columns: [
    NAME,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    AGE,
    column('Version', doc(`${CORE}.NodeSystemInfo`, 'kubeletVersion')),
    wide('Internal-IP', doc(`${CORE}.NodeStatus`, 'addresses')),
    wide('External-IP', doc(`${CORE}.NodeStatus`, 'addresses')),
    wide('OS-Image', doc(`${CORE}.NodeSystemInfo`, 'osImage')),
    wide('Kernel-Version', doc(`${CORE}.NodeSystemInfo`, 'kernelVersion')),
    wide('Container-Runtime', doc(`${CORE}.NodeSystemInfo`, 'containerRuntimeVersion')),
  ],
  row(obj: KubeObject, now: number) {
    const node = obj as unknown as Node;
    const info = node.status?.nodeInfo;
    return {
      cells: [
        node.metadata?.name ?? '',
        nodeStatus(node),
        nodeRoles(node),
        since(node.metadata?.creationTimestamp, now),
        info?.kubeletVersion ?? '',
        address(node, 'InternalIP'),
        address(node, 'ExternalIP'),
        info?.osImage || '<unknown>',
        info?.kernelVersion || '<unknown>',
        info?.containerRuntimeVersion || '<unknown>',
      ],
    };
  },
};
