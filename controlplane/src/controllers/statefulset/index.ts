/**
 * The StatefulSet controller.
 *
 *   const sts = createStatefulSetController({}, { registry, informers, clock, random, events });
 */
export { STATEFULSETS, createStatefulSetController } from './statefulset-controller.ts';
export type { StatefulSetControllerInit } from './statefulset-controller.ts';
