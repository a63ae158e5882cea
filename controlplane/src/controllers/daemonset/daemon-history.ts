/**
 * A DaemonSet's ControllerRevisions, as upstream's `constructHistory` and `cleanupHistory`: the
 * revision matching the current template is the current one (created on first sight, renumbered
 * above the others when the template returns to it); older ones are kept up to
 * `revisionHistoryLimit` unless pods still run them. DaemonSet pods carry the bare hash in
 * `controller-revision-hash`; the revision is named `<ds>-<hash>`.
 */
import { findResource } from '@wisp/api';
import type { Informer } from '../../informer/informer.ts';
import { isControlledBy } from '../replicaset/controller-ref.ts';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import {
  REVISION_HASH_LABEL,
  hashOf,
  maxRevision,
  revisionOf,
  sameData,
  sortRevisions,
  templatePatch,
} from './shared/controller-history.ts';
import type { ControllerRevision } from './shared/controller-history.ts';
import { RevisionHashCollisionError } from './shared/errors.ts';
import {
  createRevision,
  deleteRevision,
  modifyRevision,
  newRevision,
  renumberRevision,
} from './shared/revision-writes.ts';
import type { RevisionWriteContext } from './shared/revision-writes.ts';
import { DAEMONSET_KIND, podHash } from './daemon-pods.ts';
import type { DaemonSetObject } from './daemon-pods.ts';
import type { PodControl } from './shared/pod-control.ts';
import { writeStatus } from './shared/status-writer.ts';

const DAEMONSETS = findResource('apps', 'daemonsets')!;

export interface HistoryContext extends RevisionWriteContext {
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
  if (revisionOf(cur) < next) cur = await renumberRevision(ctx, cur, next);
  return { current: cur, old, hash: cur.metadata.labels?.[REVISION_HASH_LABEL] ?? '' };
}

/** Revisions written before the label existed get their name as hash, as upstream does. */
function labelRevision(ctx: HistoryContext, r: ControllerRevision): Promise<ControllerRevision> {
  return modifyRevision(ctx, r, (cur) => {
    cur.metadata.labels = { ...cur.metadata.labels, [REVISION_HASH_LABEL]: cur.metadata.name! };
  });
}

async function snapshot(
  ctx: HistoryContext,
  ds: DaemonSetObject,
  patch: Record<string, unknown>,
  revision: number,
): Promise<ControllerRevision> {
  const collisionCount = ds.status?.collisionCount ?? 0;
  // The template, not the stored patch as for a StatefulSet: daemon pods carry this hash.
  const hash = hashOf(ds.spec?.template, collisionCount);
  const cr = newRevision(ds, DAEMONSET_KIND, hash, patch, revision);
  const { revision: stored, created } = await createRevision(ctx, cr);
  if (created || (isControlledBy(stored, ds) && sameData(stored, patch))) return stored;
  // Unlike a StatefulSet, which hashes again at once, the sync fails with the count raised.
  const status = { ...ds.status, collisionCount: collisionCount + 1 };
  await writeStatus({ ...ctx, informer: ctx.daemonSets }, DAEMONSETS, ds, status);
  throw new RevisionHashCollisionError(cr.metadata.name!);
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
  // Live revisions count against the limit here, unlike a StatefulSet's: upstream's rules differ.
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
