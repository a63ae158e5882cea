/**
 * The Deployment controller: rolling updates and Recreate through ReplicaSets, revision history
 * for `kubectl rollout history | undo`, pause and resume, and the progress deadline.
 *
 *   const d = createDeploymentController({}, { registry, informers, clock, random, events });
 */
export { createDeploymentController } from './deployment-controller.ts';
export type {
  DeploymentComponents,
  DeploymentController,
  DeploymentInit,
} from './deployment-controller.ts';
export { syncDeployment } from './sync-deployment.ts';
export { computeTemplateHash, equalIgnoreHash } from './template-hash.ts';
export { maxSurge, maxUnavailable, resolveFenceposts } from './fenceposts.ts';
export {
  CHANGE_CAUSE_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
} from './types.ts';
