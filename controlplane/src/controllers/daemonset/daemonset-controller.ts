/**
 * The DaemonSet controller: one pod per eligible node, following nodes as they come, go and
 * change; rolling update (maxUnavailable or maxSurge) or OnDelete through ControllerRevisions;
 * status counts as upstream. Pods are created bound to their node (see `newDaemonPod`).
 *
 *   const ds = createDaemonSetController({}, { registry, informers, clock, random, events });
 *   await informers.start();
 *   ds.start();
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '@wisp/api';
import { findResource, selectorFromLabelSelector } from '@wisp/api';
import type { Selector } from '@wisp/api/labels/index.ts';
import type { Informer } from '../../informer/informer.ts';
import { createController } from '../framework/controller.ts';
import type { ReconcileResult } from '../framework/controller.ts';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import { createCacheBarrier } from './shared/cache-barrier.ts';
import { reconcileCached } from './shared/cached-reconcile.ts';
import { claim } from './shared/claim.ts';
import type { WorkloadComponents, WorkloadController, WorkloadInit } from './shared/components.ts';
import { sooner } from './shared/components.ts';
import { CONTROLLER_REVISIONS } from './shared/controller-history.ts';
import { keyOf, ownedChangeHandler } from './shared/keys.ts';
import { PODS, podControl } from './shared/pod-control.ts';
import type { PodControl } from './shared/pod-control.ts';
import { claimRevisions } from './shared/revision-writes.ts';
import { slowStartBatch } from './shared/slow-start.ts';
import { writeStatus } from './shared/status-writer.ts';
import { cleanupHistory, constructHistory } from './daemon-history.ts';
import { planManage } from './daemon-manage.ts';
import { DAEMONSET_KIND, newDaemonPod, podsByNode } from './daemon-pods.ts';
import type { DaemonSetObject } from './daemon-pods.ts';
import { planRollingUpdate, rolloutLimits } from './daemon-rollout.ts';
import { daemonSetStatus } from './daemon-status.ts';
import { FailedPodBackoff } from './failed-pod-backoff.ts';
import { nodeShouldRunDaemonPod } from './node-eligibility.ts';

export const DAEMONSETS = findResource('apps', 'daemonsets')!;
const NODES = findResource('', 'nodes')!;

export interface DaemonSetControllerInit extends WorkloadInit {
  /** Pod creations (and deletions) one sync issues at most, as upstream's burstReplicas. */
  readonly burstPodsMax?: number;
  /** First wait before replacing a failed daemon pod on the same node again. */
  readonly failedPodBackoffBaseMs?: number;
  readonly failedPodBackoffMaxMs?: number;
}

export function createDaemonSetController(
  init: DaemonSetControllerInit,
  c: WorkloadComponents,
): WorkloadController {
  const daemonSets = c.informers.for(DAEMONSETS);
  const pods = c.informers.for(PODS);
  const nodes = c.informers.for(NODES);
  const revisions = c.informers.for(CONTROLLER_REVISIONS);
  const barrier = createCacheBarrier();
  const backoff = new FailedPodBackoff(
    { backoffBaseMs: init.failedPodBackoffBaseMs, backoffMaxMs: init.failedPodBackoffMaxMs },
    c.clock,
  );
  const burstMax = init.burstPodsMax ?? 250;
  const sync = { c, daemonSets, pods, nodes, revisions, barrier, backoff, burstMax };
  const reconcile = reconcileCached<DaemonSetObject>(
    { informer: daemonSets, barrier, cacheRecheckMs: init.cacheRecheckMs },
    // Pods and revisions go with the DaemonSet through garbage collection.
    async (key, ds) => (ds.metadata.deletionTimestamp ? undefined : syncDaemonSet(sync, key, ds)),
  );

  const controller = createController(
    { name: 'daemonset', workers: init.workers },
    { clock: c.clock, reconcile, log: c.log },
  );
  const adopters = (orphan: KubeObject) => matchingDaemonSets(daemonSets, orphan);
  daemonSets.onChange((key) => controller.enqueue(key));
  pods.onChange(ownedChangeHandler('DaemonSet', controller.enqueue, adopters));
  revisions.onChange(ownedChangeHandler('DaemonSet', controller.enqueue, adopters));
  nodes.onChange((_key, node, old) => {
    for (const ds of daemonSets.list()) {
      if (nodeMatters(ds as DaemonSetObject, node as Node, old as Node)) {
        controller.enqueue(keyOf(ds));
      }
    }
  });
  return { ...controller, reconcile };
}

/** A node change matters when it was added, removed, or changed what the DaemonSet wants. */
function nodeMatters(ds: DaemonSetObject, node: Node | undefined, old: Node | undefined): boolean {
  if (!node || !old) return true;
  const a = nodeShouldRunDaemonPod(node, ds);
  const b = nodeShouldRunDaemonPod(old, ds);
  return a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning;
}

function matchingDaemonSets(daemonSets: Informer, orphan: KubeObject): string[] {
  const keys: string[] = [];
  for (const ds of daemonSets.list(orphan.metadata.namespace)) {
    const selector = selectorOrUndefined(ds as DaemonSetObject);
    if (selector && !selector.empty() && selector.matches(orphan.metadata.labels)) {
      keys.push(keyOf(ds));
    }
  }
  return keys;
}

function selectorOrUndefined(ds: DaemonSetObject): Selector | undefined {
  try {
    return selectorFromLabelSelector(ds.spec?.selector);
  } catch {
    return undefined;
  }
}

interface SyncDeps {
  readonly c: WorkloadComponents;
  readonly daemonSets: Informer;
  readonly pods: Informer;
  readonly nodes: Informer;
  readonly revisions: Informer;
  readonly barrier: ReturnType<typeof createCacheBarrier>;
  readonly backoff: FailedPodBackoff;
  readonly burstMax: number;
}

async function syncDaemonSet(
  d: SyncDeps,
  key: string,
  ds: DaemonSetObject,
): Promise<ReconcileResult | void> {
  const { c, barrier } = d;
  const selector = selectorOrUndefined(ds);
  if (!selector || selector.empty()) {
    const why = 'This daemon set is selecting all pods. A non-empty selector is required.';
    await c.events.record(ds, 'Warning', 'SelectingAll', why);
    return;
  }
  const ctx = { registry: c.registry, barrier, key };
  const target = { owner: ds, ownerInfo: DAEMONSETS, ownerKind: DAEMONSET_KIND, selector };
  const ns = ds.metadata.namespace;
  const owned = (await claim(
    { ...ctx, informer: d.pods },
    { ...target, info: PODS },
    d.pods.list(ns),
  )) as PodObject[];
  const historyCtx = { ...ctx, revisions: d.revisions, daemonSets: d.daemonSets };
  const claimedRevisions = await claimRevisions(historyCtx, target);
  const control = podControl({ ...ctx, events: c.events, pods: d.pods }, ds);
  const history = await constructHistory(historyCtx, ds, claimedRevisions, owned, control);
  const nodeList = d.nodes.list() as Node[];
  const byNode = podsByNode(owned);
  const nowMs = c.clock.now();
  let failure: unknown;
  let requeue: number | undefined;
  try {
    requeue = await manageAndRoll(d, key, ds, nodeList, byNode, history.hash, control);
    await cleanupHistory(historyCtx, ds, history.old, owned);
  } catch (e) {
    failure = e;
  }
  const { status, recheckAfterMs } = daemonSetStatus(ds, nodeList, byNode, history.hash, nowMs);
  await writeStatus({ ...ctx, informer: d.daemonSets }, DAEMONSETS, ds, status);
  if (failure) throw failure;
  const next = sooner(requeue, recheckAfterMs);
  return next === undefined ? undefined : { requeueAfterMs: next };
}

/** Runs `manage`; only when it had nothing to do, the rolling update. */
async function manageAndRoll(
  d: SyncDeps,
  key: string,
  ds: DaemonSetObject,
  nodeList: Node[],
  byNode: Map<string, PodObject[]>,
  hash: string,
  control: PodControl,
): Promise<number | undefined> {
  const rolling = (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const surge = rolling && rolloutLimits(ds, nodeList).maxSurge > 0;
  const nowMs = d.c.clock.now();
  const plan = planManage({
    ds,
    nodes: nodeList,
    byNode,
    hash,
    surge,
    nowMs,
    backoffRemainingMs: (node) => d.backoff.remainingMs(`${key}/${node}`),
  });
  for (const { pod, node } of plan.finished) {
    d.backoff.next(`${key}/${node}`);
    const what = pod.status?.phase === 'Failed' ? 'failed' : 'succeeded';
    const where = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const msg = `Found ${what} daemon pod ${where} on node ${node}, will try to kill it`;
    await d.c.events.record(
      ds,
      'Warning',
      what === 'failed' ? 'FailedDaemonPod' : 'SucceededDaemonPod',
      msg,
    );
  }
  d.backoff.gc();
  if (plan.createOn.length > 0 || plan.deletePods.length > 0) {
    await syncNodes(d, ds, plan.createOn, plan.deletePods, hash, control);
    return plan.requeueAfterMs;
  }
  if (rolling) {
    const roll = planRollingUpdate({ ds, nodes: nodeList, byNode, hash, nowMs });
    await syncNodes(d, ds, roll.createOn, roll.deletePods, hash, control);
  }
  return plan.requeueAfterMs;
}

async function syncNodes(
  d: SyncDeps,
  ds: DaemonSetObject,
  createOn: readonly string[],
  deletePods: readonly PodObject[],
  hash: string,
  control: PodControl,
): Promise<void> {
  const deletes = await Promise.allSettled(
    deletePods.slice(0, d.burstMax).map((p) => control.delete(p)),
  );
  const created = await slowStartBatch(createOn.slice(0, d.burstMax), 1, async (node) => {
    await control.create(newDaemonPod(ds, node, hash));
  });
  const failed = deletes.find((r) => r.status === 'rejected');
  if (created.error) throw created.error;
  if (failed) throw failed.reason;
}
