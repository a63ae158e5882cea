/**
 * Kubernetes' defaulting: `applyDefaults(info, obj)`.
 */
export * from './apply-defaults.ts';
export { imageTag } from './pod.ts';
export { utf8Base64 } from './core.ts';
