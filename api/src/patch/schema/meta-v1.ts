/**
 * Patch metadata of meta.k8s.io/v1 types that every kind embeds.
 */
import { atomicStruct, keyed, mergedSet } from './builders.ts';
import type { TypeTable } from './schema.ts';

export const META_V1: TypeTable = {
  ObjectMeta: {
    fields: {
      ownerReferences: keyed('OwnerReference', 'uid'),
      finalizers: mergedSet,
    },
  },
  OwnerReference: atomicStruct,
  LabelSelector: atomicStruct,
  /** A `metav1.Condition` list is keyed by `type`; the item itself has no special fields. */
  Condition: {},
};
