/**
 * The parts of Kubernetes objects the dashboard reads. Type-only imports from `@wisp/api`'s
 * kubernetes-types would also do; these narrow shapes keep the browser code honest about what
 * it uses.
 */
import type { NodeLike } from './node-status.ts';

export interface OwnerReference {
  readonly kind?: string;
  readonly name?: string;
  readonly controller?: boolean;
}

export interface Meta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: readonly OwnerReference[];
}

export type ResourceList = Readonly<Record<string, string>>;

export interface NodeObject extends NodeLike {
  readonly metadata?: Meta;
  readonly spec?: { unschedulable?: boolean; podCIDR?: string };
  readonly status?: {
    conditions?: readonly Condition[];
    nodeInfo?: { kubeletVersion?: string; architecture?: string; containerRuntimeVersion?: string };
    capacity?: ResourceList;
    allocatable?: ResourceList;
    addresses?: readonly { type?: string; address?: string }[];
  };
}

export interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastHeartbeatTime?: string;
  readonly lastTransitionTime?: string;
}

export interface ContainerSpec {
  readonly name?: string;
  readonly image?: string;
  readonly resources?: { requests?: ResourceList; limits?: ResourceList };
}

export interface PodObject {
  readonly metadata?: Meta;
  readonly spec?: { nodeName?: string; containers?: readonly ContainerSpec[] };
  readonly status?: {
    phase?: string;
    podIP?: string;
    conditions?: readonly Condition[];
    containerStatuses?: readonly { name?: string; restartCount?: number; ready?: boolean }[];
  };
}

export interface LeaseObject {
  readonly metadata?: Meta;
  readonly spec?: { holderIdentity?: string; renewTime?: string };
}

export interface EventObject {
  readonly metadata?: Meta;
  readonly type?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly count?: number;
  readonly involvedObject?: { kind?: string; name?: string; namespace?: string };
  readonly lastTimestamp?: string;
  readonly eventTime?: string;
  readonly firstTimestamp?: string;
}

/** Deployments, DaemonSets, StatefulSets, Jobs and CronJobs, as far as the dashboard reads them. */
export interface WorkloadObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: Meta;
  readonly spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    schedule?: string;
    suspend?: boolean;
    completions?: number;
    parallelism?: number;
  };
  readonly status?: {
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    succeeded?: number;
    failed?: number;
    active?: number | readonly unknown[];
    lastScheduleTime?: string;
  };
}

export function eventTime(e: EventObject): string {
  return e.lastTimestamp || e.eventTime || e.firstTimestamp || e.metadata?.creationTimestamp || '';
}

export function restartsOf(p: PodObject): number {
  return (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

/** The STATUS column as kubectl shows it for the cases the dashboard meets. */
export function podStatusText(p: PodObject): string {
  if (p.metadata?.deletionTimestamp) return 'Terminating';
  return p.status?.phase ?? '';
}

export function isPodReady(p: PodObject): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
