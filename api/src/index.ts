/**
 * @wisp/api: Kubernetes resource types and the pure rules around them — validation, defaults,
 * label and field selectors, quantities and name shapes. No I/O; depends on nothing of ours.
 *
 *   import { applyDefaults, validate, findKind, parseSelector } from '@wisp/api';
 *   const info = findKind('apps/v1', 'Deployment')!;
 *   applyDefaults(info, obj);
 *   const errors = validate(info, obj);
 *   const selected = parseSelector('app=web').matches(pod.metadata.labels);
 */
export * from './meta.ts';
export * from './resources.ts';
export type * from './types.ts';
export * from './names/index.ts';
export * from './quantity/index.ts';
export * from './labels/index.ts';
export * from './fields/index.ts';
export * from './validation/index.ts';
export * from './defaults/index.ts';
