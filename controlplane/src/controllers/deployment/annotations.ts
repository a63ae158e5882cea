/**
 * The annotations a Deployment keeps on its ReplicaSets: its own annotations (so `kubectl rollout
 * history` shows each revision's change-cause), the revision number and, after a rollback, the
 * revisions a ReplicaSet served before, plus the replica counts proportional scaling reads.
 */
import {
  CHANGE_CAUSE_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  LAST_APPLIED_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  REVISION_HISTORY_CHARS_MAX,
  desiredReplicas,
} from './types.ts';
import type { DeploymentObject, ReplicaSetObject } from './types.ts';
import { maxSurge } from './fenceposts.ts';
import type { KubeObject } from '@wisp/api';

export { CHANGE_CAUSE_ANNOTATION };

/** Deployment annotations that describe the Deployment itself and are never copied. */
const NOT_COPIED = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/** The revision number an object carries (0 when it has none or it is not a number). */
export function revisionOf(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined || !/^\d+$/.test(v)) return 0;
  return Number(v);
}

export function maxRevision(rsList: readonly ReplicaSetObject[]): number {
  let max = 0;
  for (const rs of rsList) max = Math.max(max, revisionOf(rs));
  return max;
}

function annotationsOf(obj: KubeObject): Record<string, string> {
  obj.metadata.annotations ??= {};
  return obj.metadata.annotations;
}

/** Copies the Deployment's own annotations onto `rs`; true if anything changed. */
function copyDeploymentAnnotations(d: DeploymentObject, rs: ReplicaSetObject): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (NOT_COPIED.has(k)) continue;
    const target = annotationsOf(rs);
    if (target[k] === v) continue;
    target[k] = v;
    changed = true;
  }
  return changed;
}

/** Appends `old` to a comma-separated history, dropping the oldest entries past the cap. */
function appendHistory(history: string | undefined, old: string): string {
  const entries = history ? history.split(',').filter((e) => e.length > 0) : [];
  entries.push(old);
  while (entries.length > 1 && entries.join(',').length > REVISION_HISTORY_CHARS_MAX) {
    entries.shift();
  }
  return entries.join(',');
}

/**
 * Stamps the new ReplicaSet of a rollout with revision `newRevision`; a ReplicaSet that served
 * an earlier revision (a rollback) records that one in its revision history. Replica annotations
 * are set only on a ReplicaSet being created (`exists` false). True if anything changed.
 */
export function setNewReplicaSetAnnotations(
  d: DeploymentObject,
  rs: ReplicaSetObject,
  newRevision: number,
  exists: boolean,
): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const old = rs.metadata.annotations?.[REVISION_ANNOTATION];
  if (old !== undefined && !/^\d+$/.test(old)) return changed;
  const oldRevision = old === undefined ? 0 : Number(old);
  if (oldRevision < newRevision) {
    const annotations = annotationsOf(rs);
    annotations[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (old !== undefined) {
      annotations[REVISION_HISTORY_ANNOTATION] = appendHistory(
        annotations[REVISION_HISTORY_ANNOTATION],
        old,
      );
    }
  }
  if (!exists && setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))) {
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(
  rs: ReplicaSetObject,
  desired: number,
  max: number,
): boolean {
  const a = rs.metadata.annotations ?? {};
  return (
    a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max)
  );
}

export function setReplicasAnnotations(
  rs: ReplicaSetObject,
  desired: number,
  max: number,
): boolean {
  if (!replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  const a = annotationsOf(rs);
  a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
  a[MAX_REPLICAS_ANNOTATION] = String(max);
  return true;
}

/** A replica-count annotation as a number, or undefined when absent or malformed. */
export function replicasAnnotation(rs: ReplicaSetObject, name: string): number | undefined {
  const v = rs.metadata.annotations?.[name];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}
