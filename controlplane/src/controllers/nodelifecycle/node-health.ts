/**
 * Pure rules of the node lifecycle controller: what a node's conditions become when its agent
 * stops reporting, and which taints its conditions and cordon call for.
 */
import type { KubeObject } from '@wisp/api';
import type { Node, NodeCondition } from '@wisp/api';
import {
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  type Taint,
} from './tolerations.ts';

/** The conditions an agent reports that turn Unknown when it goes silent, as upstream's. */
const REPORTED = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export const STOPPED_POSTING = 'Kubelet stopped posting node status.';
export const NEVER_POSTED = 'Kubelet never posted node status.';

export function asNode(obj: KubeObject): Node {
  return obj as unknown as Node;
}

export function readyCondition(node: KubeObject): NodeCondition | undefined {
  return asNode(node).status?.conditions?.find((c) => c.type === 'Ready');
}

/**
 * The node's conditions with every reported one set to Unknown, or undefined when they already
 * are. Heartbeat times stay: they record when the agent last spoke.
 */
export function conditionsWhenSilent(node: KubeObject, now: string): NodeCondition[] | undefined {
  const list = (asNode(node).status?.conditions ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of REPORTED) {
    const c = list.find((x) => x.type === type);
    if (!c) {
      list.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: NEVER_POSTED,
        lastHeartbeatTime: node.metadata.creationTimestamp,
        lastTransitionTime: now,
      });
      changed = true;
    } else if (c.status !== 'Unknown') {
      Object.assign(c, {
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: STOPPED_POSTING,
        lastTransitionTime: now,
      });
      changed = true;
    }
  }
  return changed ? list : undefined;
}

/** Taint keys this controller owns; any other taint on a node is left as it is. */
const PRESSURE_TAINTS: Record<string, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};
const MANAGED = new Set([
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  ...Object.values(PRESSURE_TAINTS),
]);

function wantedTaints(node: KubeObject): Taint[] {
  const n = asNode(node);
  const wanted: Taint[] = [];
  const ready = readyCondition(node)?.status;
  const lost = ready === 'False' ? TAINT_NOT_READY : ready === 'Unknown' ? TAINT_UNREACHABLE : '';
  if (lost) wanted.push({ key: lost, effect: 'NoSchedule' }, { key: lost, effect: 'NoExecute' });
  if (n.spec?.unschedulable) wanted.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  for (const c of n.status?.conditions ?? []) {
    const key = PRESSURE_TAINTS[c.type];
    if (key && c.status === 'True') wanted.push({ key, effect: 'NoSchedule' });
  }
  return wanted;
}

const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;

/**
 * The node's taints with the managed ones made to match its conditions, or undefined when they
 * already do. A taint that stays keeps its `timeAdded`, so eviction deadlines do not move.
 */
export function reconciledTaints(node: KubeObject, now: string): Taint[] | undefined {
  const current = asNode(node).spec?.taints ?? [];
  const wanted = wantedTaints(node);
  const kept = current.filter((t) => !MANAGED.has(t.key) || wanted.some((w) => same(w, t)));
  const added = wanted
    .filter((w) => !current.some((t) => same(w, t)))
    .map((w) => ({ ...w, timeAdded: now }));
  if (added.length === 0 && kept.length === current.length) return undefined;
  return [...kept, ...added];
}
