/**
 * Which pods a shrinking ReplicaSet deletes first: the least useful ones, in upstream's order
 * (ActivePodsWithRanks): unscheduled before scheduled; Pending before Unknown before Running; not
 * Ready before Ready; lower `controller.kubernetes.io/pod-deletion-cost` first; pods doubled up on
 * a node with their siblings first; Ready for less time first; more container restarts first;
 * newer first. Names break the remaining ties so the choice is reproducible.
 */
import { isPodActive, isPodReady, maxContainerRestarts, readySinceMs } from './pod-conditions.ts';
import type { PodObject } from './pod-conditions.ts';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

interface Ranked {
  readonly pod: PodObject;
  /** Active related pods on the same node. */
  readonly siblings: number;
}

function deletionCost(pod: PodObject): number {
  const v = Number(pod.metadata.annotations?.[POD_DELETION_COST] ?? 0);
  return Number.isFinite(v) ? v : 0;
}

function createdMs(pod: PodObject): number {
  const t = pod.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

/** Negative when `a` should be deleted before `b`. */
function compareRanked(a: Ranked, b: Ranked): number {
  const assignedA = Boolean(a.pod.spec?.nodeName);
  const assignedB = Boolean(b.pod.spec?.nodeName);
  if (assignedA !== assignedB) return assignedA ? 1 : -1;
  const phaseA = PHASE_ORDER[a.pod.status?.phase ?? 'Pending'] ?? 0;
  const phaseB = PHASE_ORDER[b.pod.status?.phase ?? 'Pending'] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a.pod);
  if (readyA !== isPodReady(b.pod)) return readyA ? 1 : -1;
  const costA = deletionCost(a.pod);
  const costB = deletionCost(b.pod);
  if (costA !== costB) return costA - costB;
  if (a.siblings !== b.siblings) return b.siblings - a.siblings;
  if (readyA) {
    // An empty ready time sorts first, then the most recently ready.
    const sinceA = readySinceMs(a.pod) ?? Infinity;
    const sinceB = readySinceMs(b.pod) ?? Infinity;
    if (sinceA !== sinceB) return sinceB > sinceA ? 1 : -1;
  }
  const restartsA = maxContainerRestarts(a.pod);
  const restartsB = maxContainerRestarts(b.pod);
  if (restartsA !== restartsB) return restartsB - restartsA;
  const createdA = createdMs(a.pod);
  const createdB = createdMs(b.pod);
  if (createdA !== createdB) return createdB - createdA;
  const nameA = a.pod.metadata.name ?? '';
  const nameB = b.pod.metadata.name ?? '';
  return nameA < nameB ? -1 : nameA > nameB ? 1 : 0;
}

/**
 * The `count` pods to delete out of `pods`. `related` are the pods of the owner and its siblings
 * (the other ReplicaSets of the same Deployment), used to spread what remains across nodes.
 */
export function podsToDelete(
  pods: readonly PodObject[],
  related: readonly PodObject[],
  count: number,
): PodObject[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, siblings: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort(compareRanked);
  return ranked.slice(0, count).map((r) => r.pod);
}
