/**
 * Writing the ControllerRevisions of a DaemonSet or StatefulSet: claiming them, creating one,
 * changing one, deleting one. Every change is checked against the uid that was read, so a
 * same-named replacement is never touched, and recorded on the cache barrier, so the next
 * reconcile waits for the informer to see it. Which revisions to write is each controller's own
 * business: upstream's DaemonSet and StatefulSet history rules differ (daemon-history.ts,
 * stateful-revisions.ts).
 *
 *   const claimed = await claimRevisions(ctx, { owner, ownerInfo, ownerKind, selector });
 *   const cr = newRevision(set, STATEFULSET_KIND, hashOf(data, collisionCount), data, 3);
 *   const { revision, created } = await createRevision(ctx, cr);
 */
import type { KubeObject } from '@wisp/api';
import { isWispError } from '@wisp/core';
import type { Informer } from '../../../informer/informer.ts';
import type { Registry } from '../../../registry/registry.ts';
import { FIELD_MANAGER, newControllerRef } from '../../replicaset/controller-ref.ts';
import type { OwnerKind } from '../../replicaset/controller-ref.ts';
import type { CacheBarrier } from './cache-barrier.ts';
import { claim } from './claim.ts';
import type { ClaimTarget } from './claim.ts';
import { CONTROLLER_REVISIONS, REVISION_HASH_LABEL, revisionName } from './controller-history.ts';
import type { ControllerRevision } from './controller-history.ts';
import { StaleObjectError } from './errors.ts';

export interface RevisionWriteContext {
  readonly registry: Registry;
  readonly barrier: CacheBarrier;
  /** The owner's work-queue key. */
  readonly key: string;
  readonly revisions: Informer;
}

/** The revisions the owner controls, once matching orphans are adopted and strays released. */
export async function claimRevisions(
  ctx: RevisionWriteContext,
  target: Omit<ClaimTarget, 'info'>,
): Promise<ControllerRevision[]> {
  const candidates = ctx.revisions.list(target.owner.metadata.namespace);
  const claimed = await claim(
    { ...ctx, informer: ctx.revisions },
    { ...target, info: CONTROLLER_REVISIONS },
    candidates,
  );
  return claimed as ControllerRevision[];
}

/**
 * A revision `<owner>-<hash>` holding `data`, labelled like the owner's pod template plus the
 * hash, annotated like the owner, as upstream's `NewControllerRevision`.
 */
export function newRevision(
  owner: KubeObject,
  kind: OwnerKind,
  hash: string,
  data: Record<string, unknown>,
  revision: number,
): ControllerRevision {
  const spec = owner.spec as { template?: { metadata?: { labels?: object } } } | undefined;
  const { annotations } = owner.metadata;
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(owner.metadata.name!, hash),
      namespace: owner.metadata.namespace,
      labels: { ...spec?.template?.metadata?.labels, [REVISION_HASH_LABEL]: hash },
      ...(annotations ? { annotations: { ...annotations } } : {}),
      ownerReferences: [newControllerRef(owner, kind)],
    },
    data,
    revision,
  };
}

export interface CreatedRevision {
  readonly revision: ControllerRevision;
  /** False when the name was taken: `revision` is then whatever is stored under it. */
  readonly created: boolean;
}

/** Creates `cr`; when its name is taken, reads (uncached) the revision that holds it. */
export async function createRevision(
  ctx: RevisionWriteContext,
  cr: ControllerRevision,
): Promise<CreatedRevision> {
  const ns = cr.metadata.namespace;
  try {
    const created = await ctx.registry.create(CONTROLLER_REVISIONS, ns, cr, {
      fieldManager: FIELD_MANAGER,
    });
    ctx.barrier.wrote(ctx.key, ctx.revisions, created.metadata.resourceVersion);
    return { revision: created, created: true };
  } catch (e) {
    if (!isWispError(e, 'ERR_ALREADY_EXISTS')) throw e;
  }
  const existing = await ctx.registry.get(CONTROLLER_REVISIONS, ns, cr.metadata.name!);
  return { revision: existing, created: false };
}

/** Applies `change` to the revision read as `r`; a StaleObjectError when it was replaced. */
export async function modifyRevision(
  ctx: RevisionWriteContext,
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

/** Moves a revision to number `revision`, as a rollback to it does. */
export function renumberRevision(
  ctx: RevisionWriteContext,
  r: ControllerRevision,
  revision: number,
): Promise<ControllerRevision> {
  return modifyRevision(ctx, r, (cur) => {
    cur.revision = revision;
  });
}

/** Deletes exactly the revision read (uid precondition); one already gone is fine. */
export async function deleteRevision(ctx: RevisionWriteContext, r: KubeObject): Promise<void> {
  try {
    const { object } = await ctx.registry.delete(
      CONTROLLER_REVISIONS,
      r.metadata.namespace,
      r.metadata.name!,
      { preconditions: { uid: r.metadata.uid } },
    );
    ctx.barrier.wrote(ctx.key, ctx.revisions, object.metadata.resourceVersion);
  } catch (e) {
    if (!isWispError(e, 'ERR_NOT_FOUND')) throw e;
  }
}
