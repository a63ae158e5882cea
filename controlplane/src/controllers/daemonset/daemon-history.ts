/**
 * A DaemonSet's ControllerRevisions, as upstream's `constructHistory` and `cleanupHistory`: the
 * revision matching the current template is the current one (created on first sight, renumbered
 * above the others when the template returns to it); older ones are kept up to
 * `revisionHistoryLimit` unless pods still run them. DaemonSet pods carry the bare hash in
 * `controller-revision-hash`; the revision is named `<ds>-<hash>`.
 */
import { findResource } from '@wisp/api';
import { isWispError } from '@wisp/core';
import type { Informer } from '../../informer/informer.ts';
import type { Registry } from '../../registry/registry.ts';
import { FIELD_MANAGER, isControlledBy, newControllerRef } from '../replicaset/controller-ref.ts';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import type { CacheBarrier } from './shared/cache-barrier.ts';
import { deleteRevision } from './shared/revision-delete.ts';
import {
  CONTROLLER_REVISIONS,
  REVISION_HASH_LABEL,
  hashOf,
  maxRevision,
  revisionName,
  revisionOf,
  sameData,
  sortRevisions,
  templatePatch,
} from './shared/controller-history.ts';
import type { ControllerRevision } from './shared/controller-history.ts';
import { RevisionHashCollisionError, StaleObjectError } from './shared/errors.ts';
import { DAEMONSET_KIND, podHash } from './daemon-pods.ts';
import type { DaemonSetObject } from './daemon-pods.ts';
import type { PodControl } from './shared/pod-control.ts';
import { writeStatus } from './shared/status-writer.ts';

const DAEMONSETS = findResource('apps', 'daemonsets')!;

export interface HistoryContext {
  readonly registry: Registry;
  readonly barrier: CacheBarrier;
  readonly key: string;
  readonly revisions: Informer;
  readonly daemonSets: Informer;
}

export interface DaemonHistory {
  readonly current: ControllerRevision;
  readonly old: ControllerRevision[];
  readonly hash: string;
}

export async function constructHistory(
  ctx: HistoryContext,
  ds: DaemonSetObject,
  claimed: readonly ControllerRevision[],
  pods: readonly PodObject[],
  podControl: PodControl,
): Promise<DaemonHistory> {
  const patch = templatePatch(ds);
  const current: ControllerRevision[] = [];
  const old: ControllerRevision[] = [];
  for (const r of claimed) {
    const labelled = r.metadata.labels?.[REVISION_HASH_LABEL] ? r : await labelRevision(ctx, r);
    (sameData(labelled, patch) ? current : old).push(labelled);
  }
  const next = maxRevision(old) + 1;
  let cur =
    current.length === 0
      ? await snapshot(ctx, ds, patch, next)
      : await dedup(ctx, current, pods, podControl);
  if (revisionOf(cur) < next) cur = await renumber(ctx, cur, next);
  return { current: cur, old, hash: cur.metadata.labels?.[REVISION_HASH_LABEL] ?? '' };
}

/** Revisions written before the label existed get their name as hash, as upstream does. */
async function labelRevision(
  ctx: HistoryContext,
  r: ControllerRevision,
): Promise<ControllerRevision> {
  return writeRevision(ctx, r, (cur) => {
    cur.metadata.labels = { ...cur.metadata.labels, [REVISION_HASH_LABEL]: cur.metadata.name! };
  });
}

async function renumber(ctx: HistoryContext, r: ControllerRevision, revision: number) {
  return writeRevision(ctx, r, (cur) => {
    cur.revision = revision;
  });
}

async function writeRevision(
  ctx: HistoryContext,
  r: ControllerRevision,
  change: (cur: ControllerRevision) => void,
): Promise<ControllerRevision> {
  const { object } = await ctx.registry.modify(
    CONTROLLER_REVISIONS,
    r.metadata.namespace,
    r.metadata.name!,
    (cur) => {
      if (!cur || cur.metadata.uid !== r.metadata.uid) {
        throw new StaleObjectError(CONTROLLER_REVISIONS, r.metadata.name!);
      }
      change(cur);
      return cur;
    },
    { fieldManager: FIELD_MANAGER },
  );
  ctx.barrier.wrote(ctx.key, ctx.revisions, object.metadata.resourceVersion);
  return object;
}

async function snapshot(
  ctx: HistoryContext,
  ds: DaemonSetObject,
  patch: Record<string, unknown>,
  revision: number,
): Promise<ControllerRevision> {
  const collisionCount = ds.status?.collisionCount ?? 0;
  const hash = hashOf(ds.spec?.template, collisionCount);
  const name = revisionName(ds.metadata.name!, hash);
  const ns = ds.metadata.namespace;
  const cr: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: ns,
      labels: { ...ds.spec?.template?.metadata?.labels, [REVISION_HASH_LABEL]: hash },
      ...(ds.metadata.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(ds, DAEMONSET_KIND)],
    },
    data: patch,
    revision,
  };
  try {
    const created = await ctx.registry.create(CONTROLLER_REVISIONS, ns, cr, {
      fieldManager: FIELD_MANAGER,
    });
    ctx.barrier.wrote(ctx.key, ctx.revisions, created.metadata.resourceVersion);
    return created;
  } catch (e) {
    if (!isWispError(e, 'ERR_ALREADY_EXISTS')) throw e;
  }
  const existing = await ctx.registry.get(CONTROLLER_REVISIONS, ns, name);
  if (isControlledBy(existing, ds) && sameData(existing, patch)) return existing;
  // Another revision holds the name: hash again with a higher collision count next time.
  const status = { ...ds.status, collisionCount: collisionCount + 1 };
  await writeStatus({ ...ctx, informer: ctx.daemonSets }, DAEMONSETS, ds, status);
  throw new RevisionHashCollisionError(name);
}

/** Keeps the highest-numbered of several equal revisions, moving pods of the others onto it. */
async function dedup(
  ctx: HistoryContext,
  current: readonly ControllerRevision[],
  pods: readonly PodObject[],
  podControl: PodControl,
): Promise<ControllerRevision> {
  const sorted = sortRevisions(current);
  const keep = sorted[sorted.length - 1];
  const keepHash = keep.metadata.labels?.[REVISION_HASH_LABEL] ?? keep.metadata.name!;
  for (const dup of sorted.slice(0, -1)) {
    const dupHash = dup.metadata.labels?.[REVISION_HASH_LABEL];
    for (const pod of pods) {
      if (podHash(pod) !== dupHash) continue;
      await podControl.modify(pod, (cur) => {
        cur.metadata.labels = { ...cur.metadata.labels, [REVISION_HASH_LABEL]: keepHash };
      });
    }
    await deleteRevision(ctx, dup);
  }
  return keep;
}

/** Deletes the oldest revisions beyond the limit that no pod runs any more. */
export async function cleanupHistory(
  ctx: HistoryContext,
  ds: DaemonSetObject,
  old: readonly ControllerRevision[],
  pods: readonly PodObject[],
): Promise<void> {
  let excess = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
  if (excess <= 0) return;
  const live = new Set(pods.map(podHash));
  for (const r of sortRevisions(old)) {
    if (excess <= 0) break;
    if (live.has(r.metadata.labels?.[REVISION_HASH_LABEL])) continue;
    await deleteRevision(ctx, r);
    excess--;
  }
}
