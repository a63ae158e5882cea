/**
 * The eviction check (`pods/eviction`, what `kubectl drain` calls): an eviction of a running
 * pod covered by a PodDisruptionBudget goes ahead only if the budget allows a disruption, and
 * takes that disruption out of the budget's status with a compare-and-swap before the pod is
 * deleted, so parallel evictions cannot together break the budget. Refusals are HTTP 429, which
 * kubectl retries.
 *
 *   let registry: Registry;
 *   const plugin = createEvictionCheck({}, { registry: () => registry, clock });
 *   registry = createRegistry({}, { store, clock, random, admission: [plugin] });
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import type { Clock } from '@wisp/core';
import { isWispError, rfc3339 } from '@wisp/core';
import {
  asPdb,
  DISRUPTION_ALLOWED,
  isPodReady,
  pdbCovers,
  type PodDisruptionBudgetStatus,
} from '../controllers/disruption/pdb-shape.ts';
import { withCondition } from '../controllers/disruption/pdb-status.ts';
import { ForbiddenError, TooManyRequestsError } from '../registry/errors.ts';
import type { Registry } from '../registry/registry.ts';
import type { AdmissionPlugin, WriteOptions } from '../registry/types.ts';
import { EvictionInternalError } from './errors.ts';

export interface EvictionCheckInit {
  /** Evictions recorded but not yet seen by the disruption controller, per budget. */
  readonly disruptedPodsMax?: number;
  /** Budget status write conflicts retried before the eviction fails. */
  readonly conflictRetriesMax?: number;
}

export interface EvictionCheckComponents {
  /** The registry the plugin is installed in (it exists only after the plugin is built). */
  readonly registry: () => Registry;
  readonly clock: Clock;
}

export const VIOLATION_MESSAGE =
  "Cannot evict pod as it would violate the pod's disruption budget.";
const PDBS = findResource('policy', 'poddisruptionbudgets')!;
const NO_STATUS: PodDisruptionBudgetStatus = {
  currentHealthy: 0,
  desiredHealthy: 0,
  expectedPods: 0,
  disruptionsAllowed: 0,
};

/** Pods whose eviction no budget protects: finished, never started, or already going. */
function ignoresBudgets(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return (
    !!pod.metadata.deletionTimestamp ||
    phase === 'Succeeded' ||
    phase === 'Failed' ||
    phase === 'Pending'
  );
}

function refusal(message: string): TooManyRequestsError {
  return new TooManyRequestsError(VIOLATION_MESSAGE, [{ reason: 'DisruptionBudget', message }]);
}

/** Why a budget refuses this eviction, thrown; nothing when it may go ahead. */
function checkBudget(pdb: KubeObject, disruptedMax: number): void {
  const name = pdb.metadata.name!;
  const status = asPdb(pdb).status ?? NO_STATUS;
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
    throw refusal(`The disruption budget ${name} is still being processed by the server.`);
  }
  if (status.disruptionsAllowed < 0)
    throw new ForbiddenError('pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > disruptedMax) {
    throw new ForbiddenError(
      'DisruptedPods map too big - too many evictions not confirmed by PDB controller',
    );
  }
  if (status.disruptionsAllowed === 0) {
    throw refusal(
      `The disruption budget ${name} needs ${status.desiredHealthy} healthy pods and has ` +
        `${status.currentHealthy} currently`,
    );
  }
}

/**
 * The budget with this eviction taken out of it, or undefined when the eviction does not count
 * against it (an unready pod while the budget is healthy, or a retry already counted).
 */
export function budgetAfterEviction(
  pdb: KubeObject,
  pod: KubeObject,
  nowMs: number,
  disruptedMax: number,
): KubeObject | undefined {
  const status = asPdb(pdb).status ?? NO_STATUS;
  const podName = pod.metadata.name!;
  if (status.disruptedPods?.[podName]) return undefined;
  if (!isPodReady(pod)) {
    const policy = asPdb(pdb).spec?.unhealthyPodEvictionPolicy ?? 'IfHealthyBudget';
    if (policy === 'AlwaysAllow') return undefined;
    if (status.desiredHealthy > 0 && status.currentHealthy >= status.desiredHealthy)
      return undefined;
  }
  checkBudget(pdb, disruptedMax);
  const allowed = status.disruptionsAllowed - 1;
  const insufficient = {
    type: DISRUPTION_ALLOWED,
    status: 'False' as const,
    reason: 'InsufficientPods',
    message: '',
  };
  const next = structuredClone(pdb);
  next.status = {
    ...status,
    disruptionsAllowed: allowed,
    disruptedPods: { ...status.disruptedPods, [podName]: rfc3339(nowMs) },
    conditions:
      allowed > 0
        ? status.conditions
        : withCondition(status.conditions, insufficient, status.observedGeneration ?? 0, nowMs),
  };
  return next;
}

export function createEvictionCheck(
  init: EvictionCheckInit,
  c: EvictionCheckComponents,
): AdmissionPlugin {
  const disruptedMax = init.disruptedPodsMax ?? 2000;
  const retriesMax = init.conflictRetriesMax ?? 8;

  async function check(pod: KubeObject, options: WriteOptions): Promise<void> {
    const registry = c.registry();
    const ns = pod.metadata.namespace!;
    for (let attempt = 0; ; attempt++) {
      const { items } = await registry.list(PDBS, ns);
      const covering = items.filter((pdb) => pdbCovers(pdb, pod));
      if (covering.length === 0) return;
      if (covering.length > 1) {
        throw new EvictionInternalError(
          'This pod has more than one PodDisruptionBudget, which the eviction subresource ' +
            'does not support.',
        );
      }
      const next = budgetAfterEviction(covering[0], pod, c.clock.now(), disruptedMax);
      if (!next || options.dryRun) return;
      try {
        await registry.update(PDBS, ns, next, { subresource: 'status' });
        return;
      } catch (e) {
        if (!isWispError(e, 'ERR_CONFLICT') || attempt >= retriesMax) throw e;
      }
    }
  }

  return {
    name: 'PodDisruptionBudgetEviction',
    async admit(op, info, obj, old, options) {
      if (op !== 'DELETE' || info.kind !== 'Pod') return;
      if (!(options as { eviction?: boolean }).eviction) return;
      const pod = old ?? obj;
      if (ignoresBudgets(pod)) return;
      await check(pod, options);
    },
  };
}
