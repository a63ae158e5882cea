/**
 * The `PodScheduled` condition, written through the status subresource as kube-scheduler writes
 * it: `False / Unschedulable` with the reason message while no node fits, `True` once bound.
 * An unchanged condition is not rewritten, so retrying an unschedulable pod costs no write.
 *
 *   const want = { status: 'False', reason: 'Unschedulable', message } as const;
 *   await writePodScheduled(registry, pod, want, now);
 */
import type { KubeObject } from '@wisp/api/meta.ts';
import { findResource } from '@wisp/api/resources.ts';
import { ObjectNotFoundError } from '../registry/errors.ts';
import type { Registry } from '../registry/registry.ts';

const PODS = findResource('', 'pods')!;

export interface PodScheduledWanted {
  readonly status: 'True' | 'False';
  readonly reason?: string;
  readonly message?: string;
}

interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

/**
 * Sets the condition on a copy of `status`; returns undefined when it already says `want`.
 */
export function withPodScheduled(
  status: Record<string, unknown> | undefined,
  want: PodScheduledWanted,
  now: string,
): Record<string, unknown> | undefined {
  const conditions = ((status?.conditions as PodCondition[] | undefined) ?? []).slice();
  const i = conditions.findIndex((c) => c.type === 'PodScheduled');
  const old = i >= 0 ? conditions[i] : undefined;
  if (
    old &&
    old.status === want.status &&
    (old.reason ?? '') === (want.reason ?? '') &&
    (old.message ?? '') === (want.message ?? '')
  ) {
    return undefined;
  }
  const next: PodCondition = { type: 'PodScheduled', status: want.status };
  if (want.reason) next.reason = want.reason;
  if (want.message) next.message = want.message;
  next.lastProbeTime = null;
  next.lastTransitionTime =
    old?.status === want.status && old.lastTransitionTime ? old.lastTransitionTime : now;
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
  return { ...status, conditions };
}

/**
 * Writes the condition unless it is already there. `onlyIfUnbound` skips the write when the pod
 * got a node meanwhile, so a stale `Unschedulable` never lands on a scheduled pod.
 */
export async function writePodScheduled(
  registry: Registry,
  pod: KubeObject,
  want: PodScheduledWanted,
  now: string,
  options: { onlyIfUnbound?: boolean; fieldManager?: string } = {},
): Promise<void> {
  const { namespace, name } = pod.metadata;
  await registry.modify(
    PODS,
    namespace,
    name!,
    (current) => {
      if (!current || current.metadata.uid !== pod.metadata.uid) {
        throw new ObjectNotFoundError(PODS, name!);
      }
      const spec = current.spec as { nodeName?: string } | undefined;
      if (options.onlyIfUnbound && spec?.nodeName) return current;
      const status = withPodScheduled(current.status as Record<string, unknown>, want, now);
      if (status) current.status = status;
      return current;
    },
    { subresource: 'status', fieldManager: options.fieldManager },
  );
}
