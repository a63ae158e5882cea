/**
 * The pod a workload controller creates from its template: the template's labels, annotations,
 * finalizers and spec, a controller reference to the owner, and a generated name under the
 * owner's (`web-7d4b9c6f5-x2x7q`).
 */
import type { KubeObject } from '@wisp/api';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { newControllerRef } from './controller-ref.ts';
import type { OwnerKind } from './controller-ref.ts';

/**
 * The apiserver appends 5 random characters to a generateName; keeping the prefix to 58 keeps
 * the result a valid 63-character label, as upstream's name generator does.
 */
export const GENERATE_NAME_PREFIX_CHARS_MAX = 58;

export function podGenerateName(ownerName: string): string {
  const prefix = `${ownerName}-`;
  return prefix.length > GENERATE_NAME_PREFIX_CHARS_MAX
    ? prefix.slice(0, GENERATE_NAME_PREFIX_CHARS_MAX)
    : prefix;
}

export function podFromTemplate(
  template: PodTemplateSpec | undefined,
  owner: KubeObject,
  ownerKind: OwnerKind,
): KubeObject {
  const meta = template?.metadata ?? {};
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: podGenerateName(owner.metadata.name!),
      namespace: owner.metadata.namespace,
      ownerReferences: [newControllerRef(owner, ownerKind)],
    },
    spec: structuredClone(template?.spec ?? {}),
  };
  if (meta.labels) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}
