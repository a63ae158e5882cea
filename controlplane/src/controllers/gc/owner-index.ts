/**
 * The garbage collector's view of ownership, kept from informer events: which objects name a
 * given uid as owner, and which item key an object's uid belongs to. Item keys are
 * `<resource>/<namespace>/<name>` (`<resource>/<name>` when cluster-scoped), resource being
 * `plural` or `plural.group`.
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';
import { objectKey } from '../../informer/informer.ts';

export function resourceId(info: Pick<ResourceInfo, 'group' | 'plural'>): string {
  return info.group ? `${info.plural}.${info.group}` : info.plural;
}

export function itemKey(info: ResourceInfo, obj: KubeObject): string {
  return `${resourceId(info)}/${objectKey(obj.metadata.namespace, obj.metadata.name!)}`;
}

export function parseItemKey(key: string): { resource: string; namespace?: string; name: string } {
  const [resource, ...rest] = key.split('/');
  return rest.length === 2
    ? { resource, namespace: rest[0], name: rest[1] }
    : { resource, name: rest[0] };
}

export class OwnerIndex {
  readonly #dependents = new Map<string, Set<string>>();
  readonly #ownersOf = new Map<string, Set<string>>();
  readonly #keyOfUid = new Map<string, string>();

  /** Records `obj` (or its removal, when `obj` is undefined) under `key`. */
  update(key: string, obj: KubeObject | undefined, old: KubeObject | undefined): void {
    for (const uid of this.#ownersOf.get(key) ?? []) {
      const set = this.#dependents.get(uid);
      set?.delete(key);
      if (set?.size === 0) this.#dependents.delete(uid);
    }
    this.#ownersOf.delete(key);
    if (old?.metadata.uid && this.#keyOfUid.get(old.metadata.uid) === key) {
      this.#keyOfUid.delete(old.metadata.uid);
    }
    if (!obj) return;
    if (obj.metadata.uid) this.#keyOfUid.set(obj.metadata.uid, key);
    const owners = new Set((obj.metadata.ownerReferences ?? []).map((r) => r.uid));
    if (owners.size === 0) return;
    this.#ownersOf.set(key, owners);
    for (const uid of owners) {
      let set = this.#dependents.get(uid);
      if (!set) this.#dependents.set(uid, (set = new Set()));
      set.add(key);
    }
  }

  dependentsOf(uid: string): string[] {
    return [...(this.#dependents.get(uid) ?? [])];
  }

  keyOf(uid: string): string | undefined {
    return this.#keyOfUid.get(uid);
  }
}
