/**
 * How a controller finds the owners an event concerns: the live owner a controller reference
 * names (same uid, so a recreated namesake is not it), or, for an orphan, every owner whose
 * selector matches it and may adopt it.
 */
import type { KubeObject, OwnerReference } from '@wisp/api';
import { selectorFromLabelSelector } from '@wisp/api';
import { objectKey } from '../../informer/informer.ts';
import type { Informer } from '../../informer/informer.ts';

/** The key of the `kind` owner `ref` points at, if it is still that same object. */
export function liveOwnerKey(
  owners: Informer,
  kind: string,
  namespace: string | undefined,
  ref: OwnerReference | undefined,
): string | undefined {
  if (!ref || ref.kind !== kind) return undefined;
  const owner = owners.get(namespace, ref.name);
  if (!owner || owner.metadata.uid !== ref.uid) return undefined;
  return objectKey(namespace, ref.name);
}

/** Keys of the owners in `obj`'s namespace whose non-empty selector matches its labels. */
export function selectingOwnerKeys(owners: Informer, obj: KubeObject): string[] {
  const keys: string[] = [];
  for (const owner of owners.list(obj.metadata.namespace)) {
    try {
      const spec = owner.spec as { selector?: Parameters<typeof selectorFromLabelSelector>[0] };
      const selector = selectorFromLabelSelector(spec?.selector);
      if (selector.empty() || !selector.matches(obj.metadata.labels)) continue;
    } catch {
      continue;
    }
    keys.push(objectKey(owner.metadata.namespace, owner.metadata.name!));
  }
  return keys;
}
