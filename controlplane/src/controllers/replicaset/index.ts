/**
 * The ReplicaSet controller and the pieces the Deployment controller shares with it (controller
 * references and claiming, pod readiness, expectations).
 *
 *   const rs = createReplicaSetController({}, { registry, informers, clock, random, events });
 */
export { createReplicaSetController } from './replicaset-controller.ts';
export type {
  ReplicaSetComponents,
  ReplicaSetController,
  ReplicaSetInit,
} from './replicaset-controller.ts';
export { syncReplicaSet } from './sync-replicaset.ts';
export { ReplicaSetSyncError } from './errors.ts';
