/**
 * The pod table: READY, STATUS and RESTARTS computed the way kubectl users know them (the
 * aggregate of init containers, sidecars and containers, `CrashLoopBackOff`, `Completed`,
 * `Terminating`, `Init:1/2`, `3 (5m ago)`).
 */
import type { ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../meta.ts';
import { AGE, NAME, column, doc, wide } from './columns.ts';
import { humanDuration, since } from './human-duration.ts';
import type { Printer, PrintedRow, TableRowCondition } from './types.ts';

const CORE = 'io.k8s.api.core.v1';

/** What kubectl shows for a pod whose node stopped reporting while it was being deleted. */
const NODE_LOST = 'NodeLost';

interface Aggregate {
  reason: string;
  ready: number;
  restarts: number;
  /** Milliseconds since the epoch of the latest container termination; 0 for none. */
  lastRestart: number;
}

function finishedAt(status: ContainerStatus): number {
  const at = Date.parse(status.lastState?.terminated?.finishedAt ?? '');
  return Number.isNaN(at) ? 0 : at;
}

function hasCondition(conditions: PodCondition[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/**
 * Walks init containers in order and stops at the first that is not done. Restartable init
 * containers (sidecars) count towards READY and, once initialization is over, RESTARTS.
 */
function initContainers(pod: Pod, agg: Aggregate): { initializing: boolean; sidecar: Aggregate } {
  const specs = pod.spec?.initContainers ?? [];
  const sidecars = new Set(specs.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const sidecar: Aggregate = { reason: '', ready: 0, restarts: 0, lastRestart: 0 };
  const statuses = pod.status?.initContainerStatuses ?? [];
  for (const [i, s] of statuses.entries()) {
    agg.restarts += s.restartCount;
    agg.lastRestart = Math.max(agg.lastRestart, finishedAt(s));
    if (sidecars.has(s.name)) {
      sidecar.restarts += s.restartCount;
      sidecar.lastRestart = Math.max(sidecar.lastRestart, finishedAt(s));
    }
    const terminated = s.state?.terminated;
    const waiting = s.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (sidecars.has(s.name) && s.started) {
      if (s.ready) agg.ready++;
      continue;
    }
    if (terminated) {
      agg.reason = terminated.reason
        ? `Init:${terminated.reason}`
        : terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      agg.reason = `Init:${waiting.reason}`;
    } else {
      agg.reason = `Init:${i}/${specs.length}`;
    }
    return { initializing: true, sidecar };
  }
  return { initializing: false, sidecar };
}

/** Later containers are looked at first, so the first container's state has the last word. */
function containers(pod: Pod, agg: Aggregate): void {
  let running = false;
  for (const s of [...(pod.status?.containerStatuses ?? [])].reverse()) {
    agg.restarts += s.restartCount;
    agg.lastRestart = Math.max(agg.lastRestart, finishedAt(s));
    const { waiting, terminated, running: isRunning } = s.state ?? {};
    if (waiting?.reason) agg.reason = waiting.reason;
    else if (terminated?.reason) agg.reason = terminated.reason;
    else if (terminated) {
      agg.reason = terminated.signal
        ? `Signal:${terminated.signal}`
        : `ExitCode:${terminated.exitCode}`;
    } else if (s.ready && isRunning) {
      running = true;
      agg.ready++;
    }
  }
  // A pod whose main container completed while another still runs is not Completed.
  if (agg.reason === 'Completed' && running) {
    agg.reason = hasCondition(pod.status?.conditions, 'Ready') ? 'Running' : 'NotReady';
  }
}

export function podAggregate(pod: Pod): Aggregate {
  const phase = pod.status?.phase ?? '';
  const agg: Aggregate = {
    reason: pod.status?.reason || phase,
    ready: 0,
    restarts: 0,
    lastRestart: 0,
  };
  const gated = (pod.status?.conditions ?? []).some(
    (c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated',
  );
  if (gated) agg.reason = 'SchedulingGated';
  const { initializing, sidecar } = initContainers(pod, agg);
  if (!initializing || hasCondition(pod.status?.conditions, 'Initialized')) {
    agg.restarts = sidecar.restarts;
    agg.lastRestart = sidecar.lastRestart;
    containers(pod, agg);
  }
  const deleting = Boolean(pod.metadata?.deletionTimestamp);
  if (deleting && pod.status?.reason === NODE_LOST) agg.reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') agg.reason = 'Terminating';
  return agg;
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions = pod.status?.conditions ?? [];
  const met = gates.filter(
    (g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True',
  ).length;
  return `${met}/${gates.length}`;
}

const COMPLETED: Readonly<Record<string, TableRowCondition>> = {
  Succeeded: {
    type: 'Completed',
    status: 'True',
    reason: 'Succeeded',
    message: 'The pod has completed successfully.',
  },
  Failed: { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
};

function row(obj: KubeObject, now: number): PrintedRow {
  const pod = obj as unknown as Pod;
  const agg = podAggregate(pod);
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  const total = (pod.spec?.containers ?? []).length + sidecars.length;
  const restarts =
    agg.restarts !== 0 && agg.lastRestart !== 0
      ? `${agg.restarts} (${humanDuration(now - agg.lastRestart)} ago)`
      : String(agg.restarts);
  const ip = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>';
  const cells = [
    pod.metadata?.name ?? '',
    `${agg.ready}/${total}`,
    agg.reason,
    restarts,
    since(pod.metadata?.creationTimestamp, now),
    ip,
    pod.spec?.nodeName || '<none>',
    pod.status?.nominatedNodeName || '<none>',
    readinessGates(pod),
  ];
  const condition = COMPLETED[pod.status?.phase ?? ''];
  return condition ? { cells, conditions: [condition] } : { cells };
}

export const podPrinter: Printer = {
  columns: [
    NAME,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last ' +
        'container in this pod has restarted.',
    ),
    AGE,
    wide('IP', doc(`${CORE}.PodStatus`, 'podIP')),
    wide('Node', doc(`${CORE}.PodSpec`, 'nodeName')),
    wide('Nominated Node', doc(`${CORE}.PodStatus`, 'nominatedNodeName')),
    wide('Readiness Gates', doc(`${CORE}.PodSpec`, 'readinessGates')),
  ],
  row,
};
