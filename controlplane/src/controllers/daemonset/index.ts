/**
 * The DaemonSet controller, and (under `shared/` and `test/`) the helpers the workload
 * controllers share:
 * cache barrier and the reconcile prologue behind it, claiming, pod control, controller history
 * and revision writes, status writes, the test kit.
 *
 *   const ds = createDaemonSetController({}, { registry, informers, clock, random, events });
 */
export { DAEMONSETS, createDaemonSetController } from './daemonset-controller.ts';
export type { DaemonSetControllerInit } from './daemonset-controller.ts';
export { DAEMON_POD_TOLERATIONS, nodeShouldRunDaemonPod } from './node-eligibility.ts';
export type { WorkloadComponents, WorkloadController } from './shared/components.ts';
