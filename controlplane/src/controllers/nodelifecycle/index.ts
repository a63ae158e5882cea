/** The node lifecycle controller: Lease heartbeats → Ready=Unknown → taints → evictions. */
export {
  createNodeLifecycleController,
  nodeMonitorGracePeriodMsDefault,
  nodeMonitorPeriodMsDefault,
} from './node-lifecycle-controller.ts';
export type {
  NodeLifecycleComponents,
  NodeLifecycleController,
  NodeLifecycleInit,
} from './node-lifecycle-controller.ts';
