/**
 * Controller references: which object controls which, and claiming as client-go's
 * ControllerRefManager does it. An owner adopts orphans its selector matches and releases what
 * it controls but no longer matches; objects another controller owns are left alone.
 *
 *   const owned = await claimObjects(rs, selector, pods, podClaims(registry, rs, RS_KIND));
 */
import type { KubeObject, OwnerReference, ResourceInfo } from '@wisp/api';
import type { Selector } from '@wisp/api/labels/index.ts';
import { isWispError } from '@wisp/core';
import { ObjectNotFoundError } from '../../registry/errors.ts';
import type { Registry } from '../../registry/registry.ts';

export interface OwnerKind {
  readonly apiVersion: string;
  readonly kind: string;
}

export const FIELD_MANAGER = 'kube-controller-manager';

export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerRefOf(obj);
  return ref !== undefined && ref.uid === owner.metadata.uid;
}

export function newControllerRef(owner: KubeObject, kind: OwnerKind): OwnerReference {
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface ClaimOps {
  /** Re-reads the owner uncached: adoption stops once it is gone, replaced or being deleted. */
  canAdopt(): Promise<boolean>;
  /**
   * Sets the controller reference and returns the object as stored, or undefined if it vanished
   * or was claimed meanwhile.
   */
  adopt(obj: KubeObject): Promise<KubeObject | undefined>;
  release(obj: KubeObject): Promise<void>;
}

/** The objects `owner` controls after adopting matching orphans and releasing mismatches. */
export async function claimObjects(
  owner: KubeObject,
  selector: Selector,
  candidates: readonly KubeObject[],
  ops: ClaimOps,
): Promise<KubeObject[]> {
  const claimed: KubeObject[] = [];
  let adoptable: boolean | undefined;
  const ownerDeleting = owner.metadata.deletionTimestamp !== undefined;
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    const matches = selector.matches(obj.metadata.labels);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches) claimed.push(obj);
      else if (!ownerDeleting) await ops.release(obj);
      continue;
    }
    if (ownerDeleting || !matches || obj.metadata.deletionTimestamp) continue;
    if (obj.metadata.namespace !== owner.metadata.namespace) continue;
    adoptable ??= await ops.canAdopt();
    if (!adoptable) continue;
    const adopted = await ops.adopt(obj);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

class StaleObjectError extends ObjectNotFoundError {}

/**
 * ClaimOps that write owner references through the registry, each checked against the object's
 * uid so a same-named replacement is never adopted by mistake.
 */
export function registryClaimOps(
  registry: Registry,
  info: ResourceInfo,
  owner: KubeObject,
  ownerInfo: ResourceInfo,
  ownerKind: OwnerKind,
): ClaimOps {
  const ns = owner.metadata.namespace;
  const ownerUid = owner.metadata.uid;
  const write = async (
    obj: KubeObject,
    change: (o: KubeObject) => void,
  ): Promise<KubeObject | undefined> => {
    const name = obj.metadata.name!;
    try {
      const { object } = await registry.modify(
        info,
        ns,
        name,
        (cur) => {
          if (!cur || cur.metadata.uid !== obj.metadata.uid) throw new StaleObjectError(info, name);
          change(cur);
          return cur;
        },
        { fieldManager: FIELD_MANAGER },
      );
      return object;
    } catch (e) {
      if (isWispError(e, 'ERR_NOT_FOUND')) return undefined;
      throw e;
    }
  };
  return {
    async canAdopt() {
      try {
        const fresh = await registry.get(ownerInfo, ns, owner.metadata.name!);
        return fresh.metadata.uid === ownerUid && !fresh.metadata.deletionTimestamp;
      } catch (e) {
        if (isWispError(e, 'ERR_NOT_FOUND')) return false;
        throw e;
      }
    },
    adopt: (obj) =>
      write(obj, (cur) => {
        if (controllerRefOf(cur) || cur.metadata.deletionTimestamp) {
          throw new StaleObjectError(info, cur.metadata.name!);
        }
        const refs = (cur.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
        cur.metadata.ownerReferences = [...refs, newControllerRef(owner, ownerKind)];
      }),
    async release(obj) {
      await write(obj, (cur) => {
        const refs = (cur.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
        if (refs.length > 0) cur.metadata.ownerReferences = refs;
        else delete cur.metadata.ownerReferences;
      });
    },
  };
}
