/**
 * Work-queue keys (`ns/name`) and the owner keys an object's change should wake.
 */
import type { KubeObject } from '@wisp/api';
import { controllerRefOf } from '../../replicaset/controller-ref.ts';

export function keyOf(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name}` : obj.metadata.name!;
}

/** The key of the object's controller when it is a `kind`, else undefined. */
export function ownerKey(obj: KubeObject | undefined, kind: string): string | undefined {
  const ref = obj ? controllerRefOf(obj) : undefined;
  if (!ref || ref.kind !== kind) return undefined;
  return `${obj!.metadata.namespace}/${ref.name}`;
}

/**
 * Handles a change of an owned object: wakes its controller (old and new, when the reference
 * moved) and, for an orphan, every owner that might adopt it.
 */
export function ownedChangeHandler(
  kind: string,
  enqueue: (key: string) => void,
  adopters?: (orphan: KubeObject) => readonly string[],
): (key: string, obj: KubeObject | undefined, old: KubeObject | undefined) => void {
  return (_key, obj, old) => {
    const now = ownerKey(obj, kind);
    const before = ownerKey(old, kind);
    if (now) enqueue(now);
    if (before && before !== now) enqueue(before);
    const current = obj ?? old;
    if (adopters && current && !controllerRefOf(current)) {
      for (const k of adopters(current)) enqueue(k);
    }
  };
}
