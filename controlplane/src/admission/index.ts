/**
 * Wisp's admission plugins, in the order the registry must run them: defaulting of pod
 * tolerations, the eviction check against PodDisruptionBudgets, and Service address allocation
 * last, so that no later plugin can refuse a write after values were taken for it.
 *
 *   let registry: Registry;
 *   const c = { store, clock, random, registry: () => registry };
 *   const admission = createAdmissionPlugins({}, c);
 *   registry = createRegistry({}, { store, clock, random, admission });
 */
import type { Clock, Random, Store } from '@wisp/core';
import type { Registry } from '../registry/registry.ts';
import type { AdmissionPlugin } from '../registry/types.ts';
import {
  createDefaultTolerationSeconds,
  type DefaultTolerationSecondsInit,
} from './default-toleration-seconds.ts';
import { createEvictionCheck, type EvictionCheckInit } from './pod-disruption.ts';
import { createServiceAllocation, type ServiceAllocationInit } from './service-allocation.ts';

export interface AdmissionInit
  extends ServiceAllocationInit, DefaultTolerationSecondsInit, EvictionCheckInit {}

export interface AdmissionComponents {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  /** The registry these plugins are installed in, read lazily at admission time. */
  readonly registry: () => Registry;
}

export function createAdmissionPlugins(
  init: AdmissionInit,
  c: AdmissionComponents,
): AdmissionPlugin[] {
  return [
    createDefaultTolerationSeconds(init),
    createEvictionCheck(init, c),
    createServiceAllocation(init, c),
  ];
}

export {
  createDefaultTolerationSeconds,
  staysOnLostNode,
  EDGE_AUTONOMY_ANNOTATION,
} from './default-toleration-seconds.ts';
export { createEvictionCheck, VIOLATION_MESSAGE } from './pod-disruption.ts';
export { createServiceAllocation } from './service-allocation.ts';
export { kubernetesService, kubernetesEndpoints } from './kubernetes-service.ts';
