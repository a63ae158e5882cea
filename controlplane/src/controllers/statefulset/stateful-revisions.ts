/**
 * A StatefulSet's revisions, as upstream's `getStatefulSetRevisions` and `truncateHistory`. The
 * update revision is the one whose template equals the set's (reused when it is the newest,
 * renumbered to the top when an older one matches, created otherwise); the current revision is
 * the one `status.currentRevision` names. Revisions are named `<set>-<hash of their data>`; a name
 * taken by other data raises the collision count and hashes again.
 */
import { isWispError } from '@wisp/core';
import type { Informer } from '../../informer/informer.ts';
import type { Registry } from '../../registry/registry.ts';
import { FIELD_MANAGER, newControllerRef } from '../replicaset/controller-ref.ts';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import type { CacheBarrier } from '../daemonset/shared/cache-barrier.ts';
import { deleteRevision } from '../daemonset/shared/revision-delete.ts';
import {
  CONTROLLER_REVISIONS,
  REVISION_HASH_LABEL,
  hashOf,
  revisionName,
  revisionOf,
  sameData,
  sortRevisions,
  templateOf,
  templatePatch,
} from '../daemonset/shared/controller-history.ts';
import type { ControllerRevision } from '../daemonset/shared/controller-history.ts';
import { RevisionHashCollisionError, StaleObjectError } from '../daemonset/shared/errors.ts';
import { STATEFULSET_KIND, podRevision } from './stateful-pod.ts';
import type { StatefulSetLike, StatefulSetObject } from './stateful-pod.ts';

/** Names tried before a create gives up on finding a free hash. */
const COLLISION_RETRIES_MAX = 32;

export interface RevisionContext {
  readonly registry: Registry;
  readonly barrier: CacheBarrier;
  readonly key: string;
  readonly revisions: Informer;
}

export interface StatefulRevisions {
  readonly current: ControllerRevision;
  readonly update: ControllerRevision;
  readonly collisionCount: number;
  /** Every claimed revision, oldest first, including a newly created update revision. */
  readonly all: ControllerRevision[];
}

export async function statefulSetRevisions(
  ctx: RevisionContext,
  set: StatefulSetObject,
  claimed: readonly ControllerRevision[],
): Promise<StatefulRevisions> {
  const revisions = sortRevisions(claimed);
  const last = revisions[revisions.length - 1];
  const next = last ? revisionOf(last) + 1 : 1;
  const data = templatePatch(set);
  const equal = revisions.filter((r) => sameData(r, data));
  const newestEqual = equal[equal.length - 1];
  let collisionCount = set.status?.collisionCount ?? 0;
  let update: ControllerRevision;
  if (newestEqual && newestEqual === last) update = last;
  else if (newestEqual) update = await renumber(ctx, newestEqual, next);
  else ({ revision: update, collisionCount } = await create(ctx, set, data, next, collisionCount));
  const all = sortRevisions([
    ...revisions.filter((r) => r.metadata.name !== update.metadata.name),
    update,
  ]);
  const current = all.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount, all };
}

async function renumber(ctx: RevisionContext, r: ControllerRevision, revision: number) {
  const { object } = await ctx.registry.modify(
    CONTROLLER_REVISIONS,
    r.metadata.namespace,
    r.metadata.name!,
    (cur) => {
      if (!cur || cur.metadata.uid !== r.metadata.uid) {
        throw new StaleObjectError(CONTROLLER_REVISIONS, r.metadata.name!);
      }
      cur.revision = revision;
      return cur;
    },
    { fieldManager: FIELD_MANAGER },
  );
  ctx.barrier.wrote(ctx.key, ctx.revisions, object.metadata.resourceVersion);
  return object as ControllerRevision;
}

async function create(
  ctx: RevisionContext,
  set: StatefulSetObject,
  data: Record<string, unknown>,
  revision: number,
  collisionCount: number,
): Promise<{ revision: ControllerRevision; collisionCount: number }> {
  const ns = set.metadata.namespace;
  for (let tries = 0; tries < COLLISION_RETRIES_MAX; tries++) {
    const hash = hashOf(data, collisionCount);
    const name = revisionName(set.metadata.name!, hash);
    const cr: ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace: ns,
        labels: { ...set.spec?.template?.metadata?.labels, [REVISION_HASH_LABEL]: hash },
        ...(set.metadata.annotations ? { annotations: { ...set.metadata.annotations } } : {}),
        ownerReferences: [newControllerRef(set, STATEFULSET_KIND)],
      },
      data,
      revision,
    };
    try {
      const created = await ctx.registry.create(CONTROLLER_REVISIONS, ns, cr, {
        fieldManager: FIELD_MANAGER,
      });
      ctx.barrier.wrote(ctx.key, ctx.revisions, created.metadata.resourceVersion);
      return { revision: created, collisionCount };
    } catch (e) {
      if (!isWispError(e, 'ERR_ALREADY_EXISTS')) throw e;
    }
    const existing = await ctx.registry.get(CONTROLLER_REVISIONS, ns, name);
    if (sameData(existing, data)) return { revision: existing, collisionCount };
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
  ctx: RevisionContext,
  set: StatefulSetObject,
  pods: readonly PodObject[],
  revs: StatefulRevisions,
): Promise<void> {
  const live = new Set([revs.current.metadata.name, revs.update.metadata.name]);
  for (const pod of pods) live.add(podRevision(pod));
  const history = revs.all.filter((r) => !live.has(r.metadata.name));
  const excess = history.length - (set.spec?.revisionHistoryLimit ?? 10);
  for (const r of history.slice(0, Math.max(0, excess))) await deleteRevision(ctx, r);
}
