/**
 * The parts of Kubernetes objects the dashboard reads. Type-only imports from `@wisp/api`'s
 * kubernetes-types would also do; these narrow shapes keep the browser code honest about what
 * it uses.
 */
import type { NodeLike } from './node-status.ts';

export interface Meta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
}

export interface NodeObject extends NodeLike {
  readonly metadata?: Meta;
}

export interface PodObject {
  readonly metadata?: Meta;
  readonly spec?: { nodeName?: string };
  readonly status?: {
    phase?: string;
    containerStatuses?: readonly { restartCount?: number }[];
  };
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

export function eventTime(e: EventObject): string {
  return e.lastTimestamp || e.eventTime || e.firstTimestamp || e.metadata?.creationTimestamp || '';
}

export function restartsOf(p: PodObject): number {
  return (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}
