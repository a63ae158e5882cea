/**
 * Per-kind rules for what a client may set on create and update, as kube-apiserver's REST
 * strategies have them: system fields are the server's; the main resource does not write
 * `status` and the status subresource writes nothing else.
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';

/** Kinds whose status is written on create by their owner (kubelet-style), not reset. */
const STATUS_KEPT_ON_CREATE = new Set(['Node', 'Event', 'Namespace', 'Lease']);

/** Kinds whose spec changes bump `metadata.generation`, as their upstream strategies do. */
const GENERATION_GROUPS = new Set(['apps', 'batch', 'policy']);

export function tracksGeneration(info: ResourceInfo): boolean {
  return GENERATION_GROUPS.has(info.group);
}

export function prepareForCreate(
  info: ResourceInfo,
  obj: KubeObject,
  stamp: { uid: string; now: string },
): void {
  const m = obj.metadata;
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  m.uid = stamp.uid;
  m.creationTimestamp = stamp.now;
  if (tracksGeneration(info)) m.generation = 1;
  else delete m.generation;
  if (info.subresources.includes('status') && !STATUS_KEPT_ON_CREATE.has(info.kind)) {
    obj.status = info.kind === 'Pod' ? { phase: 'Pending' } : {};
  }
  if (info.kind === 'Pod' && !obj.status) obj.status = { phase: 'Pending' };
}

export function prepareForUpdate(
  info: ResourceInfo,
  next: KubeObject,
  old: KubeObject,
  subresource: 'status' | 'binding' | undefined,
): void {
  const m = next.metadata;
  const o = old.metadata;
  m.name = o.name;
  m.namespace = o.namespace;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  m.generation = o.generation;
  m.deletionTimestamp = o.deletionTimestamp;
  m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  if (m.deletionTimestamp === undefined) delete m.deletionTimestamp;
  if (m.deletionGracePeriodSeconds === undefined) delete m.deletionGracePeriodSeconds;
  if (m.managedFields === undefined && o.managedFields) m.managedFields = o.managedFields;
  if (subresource === 'status') {
    for (const k of Object.keys(next)) {
      if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') delete next[k];
    }
    for (const k of Object.keys(old)) {
      if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') {
        next[k] = old[k];
      }
    }
    // Status writes keep the object's metadata, as ResetObjectMetaForStatus does.
    next.metadata = { ...o, managedFields: m.managedFields ?? o.managedFields };
    if (next.metadata.managedFields === undefined) delete next.metadata.managedFields;
    return;
  }
  if (info.subresources.includes('status')) {
    if (old.status === undefined) delete next.status;
    else next.status = old.status;
  }
}
