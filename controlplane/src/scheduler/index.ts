/**
 * The scheduler: a pure `schedule(pod, nodes, podsOnNodes, options)` (filter, score, seeded
 * tie-break; node selection, taints, resources, runtime classes, topology spread and inter-pod
 * affinity) and the loop around it that binds pending pods and reports why others wait.
 *
 *   const scheduler = createScheduler({}, { registry, informers, clock, random, events });
 *   await informers.start();
 *   scheduler.start();
 */
export * from './types.ts';
export { schedule } from './schedule.ts';
export {
  AFFINITY_REASON,
  ANTI_AFFINITY_REASON,
  EXISTING_ANTI_AFFINITY_REASON,
  fitErrorMessage,
  NO_NODES_MESSAGE,
  SPREAD_MISSING_LABEL_REASON,
  SPREAD_REASON,
} from './fit-error.ts';
export { indexBoundPods, PodIndex } from './pod-index.ts';
export { RUNTIMES_LABEL, runtimesLabelValue } from './runtime-class.ts';
export { ZONE_LABEL } from './scores.ts';
export { SchedulerCache } from './scheduler-cache.ts';
export { createScheduler, DEFAULT_SCHEDULER_NAME } from './scheduler.ts';
export type { Scheduler, SchedulerComponents, SchedulerInit } from './scheduler.ts';
