/**
 * One pass of a StatefulSet, as upstream's `updateStatefulSet`, as a pure function returning the
 * writes to make in order. Pods `[start, start+replicas)` are kept (failed or finished ones
 * replaced, missing ones created, identities repaired); pods beyond are condemned and removed
 * highest ordinal first; then a rolling update replaces the highest-ordinal pod not at the
 * update revision, down to the partition. Under OrderedReady every step waits for the pods
 * before it to be Running and Ready (and available); Parallel does not wait.
 */
import type { StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import type { StatefulSetLike } from './stateful-pod.ts';
import {
  identityMatches,
  isHealthy,
  isRunningAndAvailable,
  isRunningAndReady,
  isTerminating,
  newStatefulSetPod,
  ordinalOf,
  podRevision,
  replicasOf,
  startOrdinal,
} from './stateful-pod.ts';

export type StatefulAction =
  | { readonly kind: 'create'; readonly pod: PodObject }
  | {
      readonly kind: 'delete';
      readonly pod: PodObject;
      readonly why: 'failed' | 'succeeded' | 'scale-down' | 'update';
    }
  | { readonly kind: 'identity'; readonly pod: PodObject };

export interface StatefulPlanInput {
  readonly set: StatefulSetLike;
  /** The set with the template of the current revision. */
  readonly currentSet: StatefulSetLike;
  /** The set with the template of the update revision. */
  readonly updateSet: StatefulSetLike;
  readonly currentRevision: string;
  readonly updateRevision: string;
  readonly collisionCount: number;
  /** Claimed member pods. */
  readonly pods: readonly PodObject[];
  readonly nowMs: number;
}

export interface StatefulPlan {
  readonly actions: StatefulAction[];
  readonly status: StatefulSetStatus;
}

interface Slot {
  pod: PodObject;
  /** False for a pod this pass is about to create. */
  created: boolean;
}

interface Pass {
  readonly input: StatefulPlanInput;
  readonly monotonic: boolean;
  readonly minReady: number;
  readonly slots: Slot[];
  readonly condemned: PodObject[];
  readonly actions: StatefulAction[];
  firstUnhealthy?: PodObject;
  rolledOne: boolean;
}

export function planStatefulSet(input: StatefulPlanInput): StatefulPlan {
  const pass = partition(input);
  if (!input.set.metadata.deletionTimestamp) run(pass);
  return { actions: pass.actions, status: statusOf(pass) };
}

function partition(input: StatefulPlanInput): Pass {
  const start = startOrdinal(input.set);
  const count = replicasOf(input.set);
  const slots: (Slot | undefined)[] = new Array(count);
  const condemned: PodObject[] = [];
  for (const pod of input.pods) {
    const ord = ordinalOf(pod);
    if (ord >= start && ord < start + count) slots[ord - start] = { pod, created: true };
    else if (ord >= 0) condemned.push(pod);
  }
  for (let i = 0; i < count; i++) {
    slots[i] ??= { pod: versionedPod(input, start + i), created: false };
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const pass: Pass = {
    input,
    monotonic: input.set.spec?.podManagementPolicy !== 'Parallel',
    minReady: input.set.spec?.minReadySeconds ?? 0,
    slots: slots as Slot[],
    condemned,
    actions: [],
    rolledOne: false,
  };
  pass.firstUnhealthy =
    pass.slots.find((s) => !s.created || !isHealthy(s.pod))?.pod ??
    [...condemned].reverse().find((p) => !isHealthy(p));
  return pass;
}

/** Pods below the partition are made at the current revision, the rest at the update one. */
function versionedPod(input: StatefulPlanInput, ordinal: number): PodObject {
  const { currentSet, set } = input;
  const strategy = set.spec?.updateStrategy;
  const partitionMin = startOrdinal(set) + (strategy?.rollingUpdate?.partition ?? 0);
  if ((strategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && ordinal < partitionMin) {
    return newStatefulSetPod(currentSet, ordinal, input.currentRevision);
  }
  return newStatefulSetPod(input.updateSet, ordinal, input.updateRevision);
}

function run(pass: Pass): void {
  for (let i = 0; i < pass.slots.length; i++) {
    if (processReplica(pass, i) && pass.monotonic) return;
  }
  for (const pod of pass.condemned) {
    if (processCondemned(pass, pod) && pass.monotonic) return;
  }
  if (pass.input.set.spec?.updateStrategy?.type === 'OnDelete') return;
  rollOne(pass);
}

/** True when an OrderedReady pass must stop here. */
function processReplica(pass: Pass, i: number): boolean {
  const { input, monotonic, minReady } = pass;
  let slot = pass.slots[i];
  const phase = slot.pod.status?.phase;
  if (slot.created && (phase === 'Failed' || phase === 'Succeeded')) {
    pass.actions.push({
      kind: 'delete',
      pod: slot.pod,
      why: phase === 'Failed' ? 'failed' : 'succeeded',
    });
    slot = pass.slots[i] = {
      pod: versionedPod(input, startOrdinal(input.set) + i),
      created: false,
    };
  }
  if (!slot.created) {
    pass.actions.push({ kind: 'create', pod: slot.pod });
    return monotonic;
  }
  const pod = slot.pod;
  if (monotonic) {
    if (isTerminating(pod) || !isRunningAndReady(pod)) return true;
    if (!isRunningAndAvailable(pod, minReady, input.nowMs)) return true;
  }
  if (!identityMatches(input.set as never, pod)) pass.actions.push({ kind: 'identity', pod });
  return false;
}

function processCondemned(pass: Pass, pod: PodObject): boolean {
  if (isTerminating(pod)) return pass.monotonic;
  if (pass.monotonic && pod !== pass.firstUnhealthy) {
    if (!isRunningAndReady(pod)) return true;
    if (!isRunningAndAvailable(pod, pass.minReady, pass.input.nowMs)) return true;
  }
  pass.actions.push({ kind: 'delete', pod, why: 'scale-down' });
  return true;
}

/** Replaces the highest-ordinal pod not at the update revision, once those above are healthy. */
function rollOne(pass: Pass): void {
  const partitionMin = pass.input.set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  for (let target = pass.slots.length - 1; target >= partitionMin; target--) {
    const { pod, created } = pass.slots[target];
    if (created && podRevision(pod) !== pass.input.updateRevision && !isTerminating(pod)) {
      pass.actions.push({ kind: 'delete', pod, why: 'update' });
      pass.rolledOne = true;
      return;
    }
    if (!created || !isHealthy(pod)) return;
  }
}

function statusOf(pass: Pass): StatefulSetStatus {
  const { input, minReady } = pass;
  const status: Required<
    Pick<
      StatefulSetStatus,
      'replicas' | 'readyReplicas' | 'currentReplicas' | 'updatedReplicas' | 'availableReplicas'
    >
  > &
    StatefulSetStatus = {
    observedGeneration: (input.set.metadata as { generation?: number }).generation,
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    availableReplicas: 0,
    currentRevision: input.currentRevision,
    updateRevision: input.updateRevision,
    collisionCount: input.collisionCount,
  };
  const existing = [...pass.slots.filter((s) => s.created).map((s) => s.pod), ...pass.condemned];
  for (const pod of existing) {
    status.replicas++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas++;
      if (isRunningAndAvailable(pod, minReady, input.nowMs)) status.availableReplicas++;
    }
    if (isTerminating(pod)) continue;
    if (podRevision(pod) === input.currentRevision) status.currentReplicas++;
    if (podRevision(pod) === input.updateRevision) status.updatedReplicas++;
  }
  if (pass.rolledOne) status.currentReplicas--;
  return completeRollingUpdate(input.set, status);
}

/** Once every pod runs the update revision and is ready, it becomes the current one. */
function completeRollingUpdate(
  set: StatefulSetLike,
  status: StatefulSetStatus & { replicas: number },
): StatefulSetStatus {
  const rolling = (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  if (
    rolling &&
    status.updatedReplicas === status.replicas &&
    status.readyReplicas === status.replicas
  ) {
    return {
      ...status,
      currentReplicas: status.updatedReplicas,
      currentRevision: status.updateRevision,
    };
  }
  return status;
}
