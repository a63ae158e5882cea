/**
 * The disruption controller: keeps every PodDisruptionBudget's status (currentHealthy,
 * desiredHealthy, disruptionsAllowed, expectedPods, observedGeneration, the DisruptionAllowed
 * condition) current as its pods come, go and turn ready. The eviction check
 * (admission/pod-disruption.ts) reads that status and decrements it.
 *
 *   const c = createDisruptionController({}, { registry, informers, clock, events });
 *   await informers.start(); c.start();
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import type { Clock } from '@wisp/core';
import { isWispError } from '@wisp/core';
import type { InformerFactory } from '../../informer/factory.ts';
import { objectKey } from '../../informer/informer.ts';
import type { Registry } from '../../registry/registry.ts';
import {
  createController,
  type Controller,
  type ReconcileResult,
} from '../framework/controller.ts';
import type { EventRecorder } from '../framework/events.ts';
import { expectedScale, type ScaleLookups } from './expected-scale.ts';
import { pdbCovers } from './pdb-shape.ts';
import { computePdbStatus, failedPdbStatus } from './pdb-status.ts';

export interface DisruptionInit {
  readonly workers?: number;
  /** How long an eviction the controller has not seen land keeps its pod counted as gone. */
  readonly deletionTimeoutMs?: number;
}

export interface DisruptionComponents {
  readonly registry: Registry;
  readonly informers: InformerFactory;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface DisruptionController extends Controller {
  reconcile(key: string): Promise<ReconcileResult | void>;
}

export const deletionTimeoutMsDefault = 120_000;
const PDBS = findResource('policy', 'poddisruptionbudgets')!;
const PODS = findResource('', 'pods')!;
const SCALED = ['replicasets', 'deployments', 'statefulsets', 'daemonsets'] as const;

function scaleSignature(obj: KubeObject | undefined): string {
  const spec = obj?.spec as { replicas?: number } | undefined;
  const status = obj?.status as { desiredNumberScheduled?: number } | undefined;
  return `${obj?.metadata.uid}/${spec?.replicas}/${status?.desiredNumberScheduled}`;
}

export function createDisruptionController(
  init: DisruptionInit,
  c: DisruptionComponents,
): DisruptionController {
  const timeoutMs = init.deletionTimeoutMs ?? deletionTimeoutMsDefault;
  const pdbs = c.informers.for(PDBS);
  const pods = c.informers.for(PODS);
  const scaled = Object.fromEntries(
    SCALED.map((plural) => [plural, c.informers.for(findResource('apps', plural)!)]),
  ) as Record<(typeof SCALED)[number], ReturnType<InformerFactory['for']>>;
  const lookups: ScaleLookups = {
    replicasets: (ns, name) => scaled.replicasets.get(ns, name),
    deployments: (ns, name) => scaled.deployments.get(ns, name),
    statefulsets: (ns, name) => scaled.statefulsets.get(ns, name),
    daemonsets: (ns, name) => scaled.daemonsets.get(ns, name),
  };

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    const slash = key.indexOf('/');
    const ns = key.slice(0, slash);
    const name = key.slice(slash + 1);
    if (!pdbs.get(ns, name)) return;
    let outcome: Refreshed | undefined;
    try {
      await c.registry.modify(
        PDBS,
        ns,
        name,
        (current) => {
          if (!current) throw new PdbGone();
          const covered = pods.list(ns).filter((p) => pdbCovers(current, p));
          outcome = refresh(current, covered, lookups, c.clock.now(), timeoutMs);
          return current;
        },
        { subresource: 'status' },
      );
    } catch (e) {
      if (e instanceof PdbGone || isWispError(e, 'ERR_NOT_FOUND')) return;
      throw e;
    }
    const pdb = pdbs.get(ns, name);
    if (outcome?.failure && pdb) {
      await c.events.record(pdb, 'Warning', 'CalculateExpectedPodCountFailed', outcome.failure);
    }
    if (outcome?.recheckAtMs !== undefined) {
      return { requeueAfterMs: Math.max(1, outcome.recheckAtMs - c.clock.now()) };
    }
  }

  const controller = createController(
    { name: 'disruption', workers: init.workers ?? 2 },
    { clock: c.clock, reconcile, log: c.log },
  );
  const enqueueCovering = (ns: string | undefined, ...objs: (KubeObject | undefined)[]) => {
    for (const pdb of pdbs.list(ns)) {
      if (objs.some((o) => o && pdbCovers(pdb, o))) {
        controller.enqueue(objectKey(pdb.metadata.namespace, pdb.metadata.name!));
      }
    }
  };
  pdbs.onChange((key) => controller.enqueue(key));
  pods.onChange((_key, obj, old) => {
    const ns = (obj ?? old)?.metadata.namespace;
    if (ns) enqueueCovering(ns, obj, old);
  });
  for (const inf of Object.values(scaled)) {
    inf.onChange((_key, obj, old) => {
      if (scaleSignature(obj) === scaleSignature(old)) return;
      const ns = (obj ?? old)?.metadata.namespace;
      for (const pdb of pdbs.list(ns)) {
        controller.enqueue(objectKey(pdb.metadata.namespace, pdb.metadata.name!));
      }
    });
  }
  return Object.assign(controller, { reconcile });
}

class PdbGone extends Error {}

interface Refreshed {
  readonly failure?: string;
  readonly recheckAtMs?: number;
}

/** Sets `pdb.status` from its pods; a count that cannot be made allows no disruption. */
function refresh(
  pdb: KubeObject,
  pods: readonly KubeObject[],
  lookups: ScaleLookups,
  nowMs: number,
  deletionTimeoutMs: number,
): Refreshed {
  try {
    const computed = computePdbStatus({
      pdb,
      pods,
      expectedScale: () => expectedScale(pods, lookups),
      nowMs,
      deletionTimeoutMs,
    });
    pdb.status = computed.status;
    return { recheckAtMs: computed.recheckAtMs };
  } catch (e) {
    const failure = `Failed to calculate the number of expected pods: ${(e as Error).message}`;
    pdb.status = failedPdbStatus(pdb, failure, nowMs);
    return { failure };
  }
}
