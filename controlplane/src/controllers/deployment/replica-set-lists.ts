/**
 * Sorting, filtering and counting a Deployment's ReplicaSets, as upstream's deployment utils.
 */
import { equalIgnoreHash } from './template-hash.ts';
import { revisionOf } from './annotations.ts';
import { specReplicas } from './types.ts';
import type { DeploymentObject, ReplicaSetObject } from './types.ts';

function createdMs(rs: ReplicaSetObject): number {
  const t = rs.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

function byName(a: ReplicaSetObject, b: ReplicaSetObject): number {
  const x = a.metadata.name ?? '';
  const y = b.metadata.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Oldest first; names break ties. */
export function byCreation(a: ReplicaSetObject, b: ReplicaSetObject): number {
  return createdMs(a) - createdMs(b) || byName(a, b);
}

/** Lowest revision first; creation time breaks ties. */
export function byRevision(a: ReplicaSetObject, b: ReplicaSetObject): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

/** Largest first, newer first among equals: who gains pods when scaling up. */
export function bySizeNewer(a: ReplicaSetObject, b: ReplicaSetObject): number {
  return specReplicas(b) - specReplicas(a) || byCreation(b, a);
}

/** Largest first, older first among equals: who loses pods when scaling down. */
export function bySizeOlder(a: ReplicaSetObject, b: ReplicaSetObject): number {
  return specReplicas(b) - specReplicas(a) || byCreation(a, b);
}

/** The ReplicaSet whose template is the Deployment's (the oldest, should there be several). */
export function findNewReplicaSet(
  d: DeploymentObject,
  rsList: readonly ReplicaSetObject[],
): ReplicaSetObject | undefined {
  return [...rsList]
    .sort(byCreation)
    .find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

export function findOldReplicaSets(
  rsList: readonly ReplicaSetObject[],
  newRs: ReplicaSetObject | undefined,
): ReplicaSetObject[] {
  return rsList.filter((rs) => rs.metadata.uid !== newRs?.metadata.uid);
}

/** ReplicaSets that should have pods. */
export function activeReplicaSets(rsList: readonly (ReplicaSetObject | undefined)[]) {
  return rsList.filter((rs): rs is ReplicaSetObject => rs !== undefined && specReplicas(rs) > 0);
}

type Counted = readonly (ReplicaSetObject | undefined)[];

const sum = (rsList: Counted, f: (rs: ReplicaSetObject) => number): number =>
  rsList.reduce((n, rs) => n + (rs ? f(rs) : 0), 0);

/** Pods the ReplicaSets want (spec). */
export const wantedReplicas = (rsList: Counted): number => sum(rsList, specReplicas);
/** Pods the ReplicaSets have (status). */
export const actualReplicas = (rsList: Counted): number =>
  sum(rsList, (rs) => rs.status?.replicas ?? 0);
export const readyReplicas = (rsList: Counted): number =>
  sum(rsList, (rs) => rs.status?.readyReplicas ?? 0);
export const availableReplicas = (rsList: Counted): number =>
  sum(rsList, (rs) => rs.status?.availableReplicas ?? 0);
