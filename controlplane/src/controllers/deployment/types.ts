/**
 * The shapes and names the Deployment controller shares with kubectl: the annotations `rollout
 * history` and `rollout undo` read, and typed views of Deployments and ReplicaSets.
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import type { DeploymentSpec, DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import type { OwnerKind } from '../replicaset/controller-ref.ts';
import type { ReplicaSetObject } from '../replicaset/replicaset-status.ts';

export type { ReplicaSetObject };
export type DeploymentObject = KubeObject & { spec?: DeploymentSpec; status?: DeploymentStatus };

export const DEPLOYMENTS = findResource('apps', 'deployments')!;
export const REPLICA_SETS = findResource('apps', 'replicasets')!;
export const PODS = findResource('', 'pods')!;

export const DEPLOYMENT_KIND: OwnerKind = { apiVersion: 'apps/v1', kind: 'Deployment' };

/** The rollout sequence number of a ReplicaSet, mirrored on its Deployment. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** Earlier revisions a ReplicaSet served before a rollback made it current again. */
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** Longest `revision-history` annotation kept; the oldest entries go first. */
export const REVISION_HISTORY_CHARS_MAX = 2000;

/** Condition reasons, as upstream spells them (kubectl matches some of them). */
export const Reasons = {
  newRsCreated: 'NewReplicaSetCreated',
  foundNewRs: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRsAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  failedRsCreate: 'ReplicaSetCreateError',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** `spec.progressDeadlineSeconds` of MaxInt32 means no deadline. */
export const NO_PROGRESS_DEADLINE_SECONDS = 2147483647;

export function desiredReplicas(d: DeploymentObject): number {
  return d.spec?.replicas ?? 1;
}

export function specReplicas(rs: ReplicaSetObject): number {
  return rs.spec?.replicas ?? 1;
}

export function isRollingUpdate(d: DeploymentObject): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

export function hasProgressDeadline(d: DeploymentObject): boolean {
  const s = d.spec?.progressDeadlineSeconds ?? 600;
  return s !== NO_PROGRESS_DEADLINE_SECONDS;
}

export function progressDeadlineSeconds(d: DeploymentObject): number {
  return d.spec?.progressDeadlineSeconds ?? 600;
}

export function revisionHistoryLimit(d: DeploymentObject): number {
  return d.spec?.revisionHistoryLimit ?? 10;
}
