/**
 * Kubernetes strategic merge patch (`application/strategic-merge-patch+json`) as
 * `k8s.io/apimachinery/pkg/util/strategicpatch` applies it on the server, for the built-in kinds.
 *
 *   applyStrategicMergePatch(deployment, {
 *     spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
 *   }, { apiVersion: 'apps/v1', kind: 'Deployment' });
 *
 * Lists merge by their merge key (containers by `name`, ports by `containerPort`, ...) and the
 * directives `$patch: replace | delete`, `$retainKeys`, `$deleteFromPrimitiveList/<field>` and
 * `$setElementOrder/<field>` are honoured. Fields the metadata tables do not list get the
 * defaults: maps merge, lists are replaced. kubectl's client-side `apply` computes such a patch
 * from the `kubectl.kubernetes.io/last-applied-configuration` annotation; the server only
 * applies it.
 */
import { cloneJson, isJsonObject, type JsonObject } from './json-value.ts';
import { PatchError } from './patch-error.ts';
import { slotForKind, type KindRef } from './schema/kinds.ts';
import type { Slot } from './schema/schema.ts';
import { mergeMap } from './strategic/merge-map.ts';

export function applyStrategicMergePatch(doc: unknown, patch: unknown, kind: KindRef): JsonObject {
  const slot = slotForKind(kind);
  if (slot === undefined) {
    const msg =
      'strategic merge patch format is not supported for ' +
      `${kind.apiVersion}, Kind=${kind.kind}`;
    throw new PatchError('ERR_UNSUPPORTED_MEDIA_TYPE', msg);
  }
  return strategicMerge(doc, patch, slot);
}

/** Applies a strategic merge patch with explicit patch metadata (tests, other type tables). */
export function strategicMerge(doc: unknown, patch: unknown, slot: Slot): JsonObject {
  if (doc !== undefined && doc !== null && !isJsonObject(doc)) {
    throw new PatchError('ERR_BAD_REQUEST', 'strategic merge patch target must be a JSON object');
  }
  if (!isJsonObject(patch)) {
    throw new PatchError('ERR_BAD_REQUEST', 'strategic merge patch must be a JSON object');
  }
  const original = cloneJson((doc ?? {}) as JsonObject);
  return mergeMap(original, cloneJson(patch), slot, '');
}
