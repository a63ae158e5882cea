/**
 * PATCH semantics for the apiserver: RFC 6902 JSON patch, RFC 7386 merge patch and Kubernetes
 * strategic merge patch, all pure functions over JSON values. Server-side apply lives in
 * `../managed-fields/`.
 *
 *   import { applyStrategicMergePatch, isPatchError } from '@wisp/api/patch/index.ts';
 */
export { applyJsonPatch, decodeJsonPatch, jsonPatchOperationsMax } from './json-patch.ts';
export type { JsonPatchOperation, JsonPatchOptions } from './json-patch.ts';
export { applyMergePatch, createMergePatch } from './merge-patch.ts';
export { applyStrategicMergePatch, strategicMerge } from './strategic-merge-patch.ts';
export { PatchError, isPatchError } from './patch-error.ts';
export type { PatchErrorCode, PatchErrorReason } from './patch-error.ts';
export type { JsonObject, JsonValue } from './json-value.ts';
export { slotForKind, BUILTIN_TYPES } from './schema/kinds.ts';
export type { KindRef } from './schema/kinds.ts';
export type { FieldSchema, Slot, TypeSchema, TypeTable } from './schema/schema.ts';
