/**
 * The registry: every Kubernetes verb on every resource, over the `Store` port. The HTTP
 * apiserver and in-process controllers both call it, so defaulting, validation, admission,
 * generation, finalizers and managedFields behave the same whichever way a write arrives.
 *
 *   const registry = createRegistry({}, { store, clock, random });
 *   const pod = await registry.create(podsInfo, 'default', manifest, { fieldManager: 'me' });
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';
import { applyDefaults, findResource, storageKey, validate } from '@wisp/api';
import { recordUpdate } from '@wisp/api/managed-fields/index.ts';
import { rfc3339, isWispError } from '@wisp/core';
import type { Clock, Random, Store } from '@wisp/core';
import { canonical, clone, decode, encode, specPart, stableJson } from './codec.ts';
import {
  BadRequestError,
  ForbiddenError,
  ObjectConflictError,
  ObjectExistsError,
  ObjectInvalidError,
  ObjectNotFoundError,
} from './errors.ts';
import { listObjects, watchObjects } from './list-watch.ts';
import { prepareForCreate, prepareForUpdate, tracksGeneration } from './strategy.ts';
import type {
  AdmissionPlugin,
  DeleteOptions,
  ListQuery,
  ObjectEvent,
  WatchQuery,
  WriteOptions,
} from './types.ts';
import type { KubeList } from '@wisp/api';

export interface RegistryInit {
  /** How many times a read-modify-write retries after a conflict. */
  readonly conflictRetriesMax?: number;
  /** Seconds between watch bookmarks. */
  readonly bookmarkIntervalMs?: number;
}

export interface RegistryComponents {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly admission?: readonly AdmissionPlugin[];
}

export interface Registry {
  get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject>;
  list(info: ResourceInfo, namespace: string | undefined, query?: ListQuery): Promise<KubeList>;
  watch(
    info: ResourceInfo,
    namespace: string | undefined,
    query: WatchQuery,
    signal: AbortSignal,
  ): AsyncIterable<ObjectEvent>;
  create(
    info: ResourceInfo,
    namespace: string | undefined,
    obj: KubeObject,
    options?: WriteOptions,
  ): Promise<KubeObject>;
  /** Replaces an object (PUT). A resourceVersion in `obj` must match the stored one. */
  update(
    info: ResourceInfo,
    namespace: string | undefined,
    obj: KubeObject,
    options?: WriteOptions,
  ): Promise<KubeObject>;
  /**
   * Read-modify-write: `mutate` gets a copy of the current object and returns the new one (or
   * undefined to create when absent and `mutate` handles it). Retries on conflict.
   */
  modify(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    mutate: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>,
    options?: WriteOptions,
  ): Promise<{ object: KubeObject; created: boolean }>;
  delete(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    options?: DeleteOptions,
  ): Promise<{ object: KubeObject; deleted: boolean }>;
  readonly store: Store;
}

const NAMESPACES = findResource('', 'namespaces')!;

export function createRegistry(init: RegistryInit, components: RegistryComponents): Registry {
  const { store, clock, random } = components;
  const admission = components.admission ?? [];
  const retriesMax = init.conflictRetriesMax ?? 8;
  const bookmarkIntervalMs = init.bookmarkIntervalMs ?? 60_000;
  const now = (): string => rfc3339(clock.now());

  async function get(info: ResourceInfo, ns: string | undefined, name: string) {
    const kv = await store.get(storageKey(info, scope(info, ns), name));
    if (!kv) throw new ObjectNotFoundError(info, name);
    return decode(kv);
  }

  async function checkNamespace(
    info: ResourceInfo,
    ns: string | undefined,
    name: string,
  ): Promise<void> {
    if (!info.namespaced || !ns) return;
    const kv = await store.get(storageKey(NAMESPACES, undefined, ns));
    if (!kv) throw new ObjectNotFoundError(NAMESPACES, ns);
    const nsObj = decode(kv);
    if (nsObj.metadata.deletionTimestamp) {
      throw new ForbiddenError(
        `${info.plural} "${name}" is forbidden: unable to create new content in namespace ` +
          `${ns} because it is being terminated`,
        info,
        name,
      );
    }
  }

  async function admit(
    op: 'CREATE' | 'UPDATE' | 'DELETE',
    info: ResourceInfo,
    obj: KubeObject,
    old: KubeObject | undefined,
    options: WriteOptions,
  ): Promise<void> {
    for (const plugin of admission) await plugin.admit(op, info, obj, old, options);
  }

  function checkValid(info: ResourceInfo, obj: KubeObject, old?: KubeObject): void {
    const errors = validate(info, obj, old);
    if (errors.length > 0) {
      const causes = errors.map((e) => ({
        reason: e.type,
        message: e.message,
        field: e.field,
      }));
      throw new ObjectInvalidError(info, obj.metadata.name ?? '', causes);
    }
  }

  async function create(
    info: ResourceInfo,
    ns: string | undefined,
    input: KubeObject,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    const obj = canonical(info, clone(input));
    obj.metadata ??= {};
    setScope(info, ns, obj);
    if (!obj.metadata.name && obj.metadata.generateName) {
      // As upstream's name generator: the prefix is cut so the name stays within 63 characters.
      obj.metadata.name = obj.metadata.generateName.slice(0, 58) + random.suffix(5);
    }
    prepareForCreate(info, obj, { uid: random.uuid(), now: now() });
    applyDefaults(info, obj);
    await admit('CREATE', info, obj, undefined, options);
    checkValid(info, obj);
    await checkNamespace(info, obj.metadata.namespace, obj.metadata.name ?? '');
    stampManagedFields(info, undefined, obj, options);
    if (options.dryRun) {
      const exists = await store.get(storageKey(info, obj.metadata.namespace, obj.metadata.name!));
      if (exists) throw new ObjectExistsError(info, obj.metadata.name!);
      return obj;
    }
    try {
      const rev = await store.create(
        storageKey(info, obj.metadata.namespace, obj.metadata.name!),
        encode(obj),
      );
      obj.metadata.resourceVersion = String(rev);
      return obj;
    } catch (e) {
      if (isWispError(e, 'ERR_ALREADY_EXISTS')) {
        throw new ObjectExistsError(info, obj.metadata.name!);
      }
      throw e;
    }
  }

  function stampManagedFields(
    info: ResourceInfo,
    old: KubeObject | undefined,
    obj: KubeObject,
    options: WriteOptions,
  ): void {
    if (!options.fieldManager) return;
    recordUpdate({
      old,
      updated: obj,
      manager: options.fieldManager,
      operation: 'Update',
      now: now(),
      kind: { apiVersion: obj.apiVersion!, kind: info.kind },
      subresource: options.subresource,
    });
  }

  /** Writes `next` over `current` (already read at `current.metadata.resourceVersion`). */
  async function write(
    info: ResourceInfo,
    current: KubeObject,
    input: KubeObject,
    options: WriteOptions,
  ): Promise<KubeObject> {
    const next = canonical(info, clone(input));
    next.metadata ??= {};
    const name = current.metadata.name!;
    if (next.metadata.name !== undefined && next.metadata.name !== name) {
      throw new BadRequestError(
        `the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    prepareForUpdate(info, next, current, options.subresource);
    applyDefaults(info, next);
    await admit('UPDATE', info, next, current, options);
    if (tracksGeneration(info) && specPart(next) !== specPart(current)) {
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    checkValid(
      info,
      next,
      options.subresource === 'binding' ? boundBefore(current, next) : current,
    );
    const rv = Number(current.metadata.resourceVersion);
    if (sameObject(next, current)) return current;
    stampManagedFields(info, current, next, options);
    const key = storageKey(info, current.metadata.namespace, name);
    // The last finalizer gone ends a deletion, unless a grace period is still running (a pod
    // being stopped by its agent, which deletes it with grace 0 when its containers are gone).
    const finalized =
      next.metadata.deletionTimestamp &&
      !hasFinalizers(info, next) &&
      (next.metadata.deletionGracePeriodSeconds ?? 0) === 0;
    if (finalized) {
      if (options.dryRun) return next;
      const gone = await deleteKey(info, key, rv, name);
      return { ...next, metadata: { ...next.metadata, resourceVersion: String(gone) } };
    }
    if (options.dryRun) return next;
    try {
      const kv = await store.update(key, encode(next), rv);
      next.metadata.resourceVersion = String(kv.modRevision);
      return next;
    } catch (e) {
      throw mapWriteError(e, info, name);
    }
  }

  async function deleteKey(info: ResourceInfo, key: string, rv: number, name: string) {
    try {
      return (await store.delete(key, rv)).deleteRevision;
    } catch (e) {
      throw mapWriteError(e, info, name);
    }
  }

  async function update(
    info: ResourceInfo,
    ns: string | undefined,
    input: KubeObject,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    const name = input.metadata?.name;
    if (!name) {
      throw new ObjectInvalidError(info, '', [
        { reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value' },
      ]);
    }
    const current = await get(info, ns, name);
    const wanted = input.metadata.resourceVersion;
    if (wanted && wanted !== current.metadata.resourceVersion) {
      throw new ObjectConflictError(info, name, CONFLICT_TEXT);
    }
    if (input.metadata.uid && input.metadata.uid !== current.metadata.uid) {
      throw new ObjectConflictError(
        info,
        name,
        `Precondition failed: UID in precondition: ${input.metadata.uid}, ` +
          `UID in object meta: ${current.metadata.uid}`,
      );
    }
    return write(info, current, input, options);
  }

  async function modify(
    info: ResourceInfo,
    ns: string | undefined,
    name: string,
    mutate: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>,
    options: WriteOptions = {},
  ): Promise<{ object: KubeObject; created: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const kv = await store.get(storageKey(info, scope(info, ns), name));
      const current = kv ? decode(kv) : undefined;
      const next = await mutate(current ? clone(current) : undefined);
      try {
        if (!current) {
          next.metadata ??= {};
          next.metadata.name ??= name;
          return { object: await create(info, ns, next, options), created: true };
        }
        const wanted = next.metadata?.resourceVersion;
        if (wanted && wanted !== current.metadata.resourceVersion) {
          throw new ObjectConflictError(info, name, CONFLICT_TEXT);
        }
        return { object: await write(info, current, next, options), created: false };
      } catch (e) {
        const retriable =
          (isWispError(e, 'ERR_CONFLICT') && !next.metadata?.resourceVersion) ||
          (isWispError(e, 'ERR_ALREADY_EXISTS') && !current);
        if (!retriable || attempt >= retriesMax) throw e;
      }
    }
  }

  async function remove(
    info: ResourceInfo,
    ns: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<{ object: KubeObject; deleted: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const current = await get(info, ns, name);
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid) {
        throw new ObjectConflictError(
          info,
          name,
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ` +
            `${current.metadata.uid}`,
        );
      }
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw new ObjectConflictError(
          info,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ` +
            `ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
        );
      }
      try {
        return await deleteOnce(info, current, options);
      } catch (e) {
        if (!isWispError(e, 'ERR_CONFLICT') || pre?.resourceVersion || attempt >= retriesMax) {
          throw e;
        }
      }
    }
  }

  async function deleteOnce(
    info: ResourceInfo,
    current: KubeObject,
    options: DeleteOptions,
  ): Promise<{ object: KubeObject; deleted: boolean }> {
    const name = current.metadata.name!;
    const graceful = gracefulDeletion(info, current, options);
    const next = clone(current);
    const finalizers = new Set(next.metadata.finalizers ?? []);
    if (options.propagationPolicy === 'Orphan') finalizers.add('orphan');
    if (options.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
    const namespaceHeld = info.kind === 'Namespace' && hasFinalizers(info, next);
    if (finalizers.size > 0 || graceful !== undefined || namespaceHeld) {
      if (finalizers.size > 0) next.metadata.finalizers = [...finalizers];
      if (!next.metadata.deletionTimestamp) {
        const grace = graceful ?? 0;
        next.metadata.deletionTimestamp = rfc3339(clock.now() + grace * 1000);
        next.metadata.deletionGracePeriodSeconds = grace;
      } else if (graceful !== undefined) {
        const shorter = Math.min(next.metadata.deletionGracePeriodSeconds ?? graceful, graceful);
        next.metadata.deletionGracePeriodSeconds = shorter;
      }
      if (info.kind === 'Namespace') {
        next.status = { ...(next.status as object), phase: 'Terminating' };
      }
      if (sameObject(next, current)) return { object: current, deleted: false };
      await admit('DELETE', info, next, current, options);
      if (options.dryRun) return { object: next, deleted: false };
      const key = storageKey(info, current.metadata.namespace, name);
      try {
        const kv = await store.update(key, encode(next), Number(current.metadata.resourceVersion));
        next.metadata.resourceVersion = String(kv.modRevision);
      } catch (e) {
        throw mapWriteError(e, info, name);
      }
      return { object: next, deleted: false };
    }
    await admit('DELETE', info, current, current, options);
    if (options.dryRun) return { object: current, deleted: true };
    const key = storageKey(info, current.metadata.namespace, name);
    const rev = await deleteKey(info, key, Number(current.metadata.resourceVersion), name);
    current.metadata.resourceVersion = String(rev);
    return { object: current, deleted: true };
  }

  return {
    store,
    get,
    list: (info, ns, query = {}) => listObjects(store, info, scope(info, ns), query),
    watch: (info, ns, query, signal) =>
      watchObjects({ store, clock, bookmarkIntervalMs }, info, scope(info, ns), query, signal),
    create,
    update,
    modify,
    delete: remove,
  };
}

/**
 * Binding sets `spec.nodeName`, which a pod update may not change: validate the binding against
 * the pod as if it had always been bound there, as upstream's BindingREST bypasses that rule.
 */
function boundBefore(current: KubeObject, next: KubeObject): KubeObject {
  const nodeName = (next.spec as { nodeName?: string }).nodeName;
  return { ...current, spec: { ...(current.spec as object), nodeName } };
}

const CONFLICT_TEXT =
  'the object has been modified; please apply your changes to the latest version and try again';

/**
 * Pods bound to a node are deleted gracefully: the agent stops the containers and then removes
 * the object. Returns the grace period, or undefined for an immediate delete.
 */
function gracefulDeletion(
  info: ResourceInfo,
  obj: KubeObject,
  options: DeleteOptions,
): number | undefined {
  if (info.kind !== 'Pod') return undefined;
  const spec = obj.spec as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const status = obj.status as { phase?: string } | undefined;
  if (!spec?.nodeName || status?.phase === 'Succeeded' || status?.phase === 'Failed') {
    return undefined;
  }
  const grace = options.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  return grace <= 0 ? undefined : grace;
}

/**
 * Whether something still holds an object being deleted: its finalizers, and for a namespace
 * also `spec.finalizers` (emptied by the namespace controller once the namespace is empty).
 */
function hasFinalizers(info: ResourceInfo, obj: KubeObject): boolean {
  if ((obj.metadata.finalizers ?? []).length > 0) return true;
  if (info.kind !== 'Namespace') return false;
  return ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length > 0;
}

function scope(info: ResourceInfo, ns: string | undefined): string | undefined {
  return info.namespaced ? ns : undefined;
}

function setScope(info: ResourceInfo, ns: string | undefined, obj: KubeObject): void {
  if (!info.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  const bodyNs = obj.metadata.namespace;
  if (bodyNs && ns && bodyNs !== ns) {
    throw new BadRequestError(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  obj.metadata.namespace = ns ?? bodyNs ?? 'default';
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): string => {
    const { resourceVersion: _r, managedFields: _m, ...meta } = o.metadata;
    return stableJson({ ...o, metadata: meta });
  };
  return strip(a) === strip(b);
}

function mapWriteError(e: unknown, info: ResourceInfo, name: string): unknown {
  if (isWispError(e, 'ERR_CONFLICT')) return new ObjectConflictError(info, name, CONFLICT_TEXT);
  if (isWispError(e, 'ERR_NOT_FOUND')) return new ObjectNotFoundError(info, name);
  return e;
}
