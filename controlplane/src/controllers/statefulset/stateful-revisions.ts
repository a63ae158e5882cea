/**
 * A StatefulSet's revisions, as upstream's `getStatefulSetRevisions` and `truncateHistory`. The
 * update revision is the one whose template equals the set's (reused when it is the newest,
 * renumbered to the top when an older one matches, created otherwise); the current revision is
 * the one `status.currentRevision` names. Revisions are named `<set>-<hash of their data>`; a name
 * taken by other data raises the collision count and hashes again.
 */
import type { PodObject } from '../replicaset/pod-conditions.ts';
import {
  hashOf,
  maxRevision,
  sameData,
  sortRevisions,
  templateOf,
  templatePatch,
} from '../daemonset/shared/controller-history.ts';
import type { ControllerRevision } from '../daemonset/shared/controller-history.ts';
import { RevisionHashCollisionError } from '../daemonset/shared/errors.ts';
import {
  createRevision,
  deleteRevision,
  newRevision,
  renumberRevision,
} from '../daemonset/shared/revision-writes.ts';
import type { RevisionWriteContext } from '../daemonset/shared/revision-writes.ts';
import { STATEFULSET_KIND, podRevision } from './stateful-pod.ts';
import type { StatefulSetLike, StatefulSetObject } from './stateful-pod.ts';

/** Names tried before a create gives up on finding a free hash. */
const COLLISION_RETRIES_MAX = 32;

export interface StatefulRevisions {
  readonly current: ControllerRevision;
  readonly update: ControllerRevision;
  readonly collisionCount: number;
  /** Every claimed revision, oldest first, including a newly created update revision. */
  readonly all: ControllerRevision[];
}

export async function statefulSetRevisions(
  ctx: RevisionWriteContext,
  set: StatefulSetObject,
  claimed: readonly ControllerRevision[],
): Promise<StatefulRevisions> {
  const revisions = sortRevisions(claimed);
  const last = revisions[revisions.length - 1];
  const next = maxRevision(revisions) + 1;
  const data = templatePatch(set);
  const equal = revisions.filter((r) => sameData(r, data));
  const newestEqual = equal[equal.length - 1];
  let collisionCount = set.status?.collisionCount ?? 0;
  let update: ControllerRevision;
  if (newestEqual && newestEqual === last) update = last;
  else if (newestEqual) update = await renumberRevision(ctx, newestEqual, next);
  else ({ revision: update, collisionCount } = await create(ctx, set, data, next, collisionCount));
  const all = sortRevisions([
    ...revisions.filter((r) => r.metadata.name !== update.metadata.name),
    update,
  ]);
  const current = all.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount, all };
}

async function create(
  ctx: RevisionWriteContext,
  set: StatefulSetObject,
  data: Record<string, unknown>,
  revision: number,
  collisionCount: number,
): Promise<{ revision: ControllerRevision; collisionCount: number }> {
  // Hashes again at once, as upstream's CreateControllerRevision; a DaemonSet fails its sync.
  for (let tries = 0; tries < COLLISION_RETRIES_MAX; tries++) {
    const cr = newRevision(set, STATEFULSET_KIND, hashOf(data, collisionCount), data, revision);
    const { revision: stored, created } = await createRevision(ctx, cr);
    if (created || sameData(stored, data)) return { revision: stored, collisionCount };
    collisionCount++;
  }
  throw new RevisionHashCollisionError(set.metadata.name!);
}

/** The set as it was at `revision`: its template replaced by the revision's. */
export function applyRevision(
  set: StatefulSetObject,
  revision: ControllerRevision,
): StatefulSetLike {
  const copy = structuredClone(set);
  copy.spec = { ...copy.spec!, template: templateOf(revision) as never };
  return copy;
}

/** Deletes the oldest revisions beyond the limit that are neither current, update nor run. */
export async function truncateHistory(
  ctx: RevisionWriteContext,
  set: StatefulSetObject,
  pods: readonly PodObject[],
  revs: StatefulRevisions,
): Promise<void> {
  // Only revisions nothing runs count against the limit, unlike a DaemonSet's history.
  const live = new Set([revs.current.metadata.name, revs.update.metadata.name]);
  for (const pod of pods) live.add(podRevision(pod));
  const history = revs.all.filter((r) => !live.has(r.metadata.name));
  const excess = history.length - (set.spec?.revisionHistoryLimit ?? 10);
  for (const r of history.slice(0, Math.max(0, excess))) await deleteRevision(ctx, r);
}
