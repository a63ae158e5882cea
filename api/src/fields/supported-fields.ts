/**
 * Which fields each resource can be selected on, and how to read them from an object. The
 * apiserver checks a selector with `checkFieldSelector` and filters with `fieldGetter`.
 */
import type { KubeObject } from '../meta.ts';
import type { ResourceInfo } from '../resources.ts';
import { InvalidError } from '../validation/invalid-error.ts';
import type { FieldSelector } from './field-selector.ts';

type Extract = (obj: KubeObject) => string;

function at(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function text(obj: unknown, ...path: string[]): string {
  const v = at(obj, ...path);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function flag(obj: unknown, ...path: string[]): string {
  return at(obj, ...path) === true ? 'true' : 'false';
}

function count(obj: unknown, ...path: string[]): string {
  const v = at(obj, ...path);
  return String(typeof v === 'number' ? v : 0);
}

function firstPodIP(obj: KubeObject): string {
  const ips = at(obj, 'status', 'podIPs');
  if (Array.isArray(ips) && ips.length > 0) return text(ips[0], 'ip');
  return text(obj, 'status', 'podIP');
}

const metaFields: Record<string, Extract> = {
  'metadata.name': (o) => text(o, 'metadata', 'name'),
  'metadata.namespace': (o) => text(o, 'metadata', 'namespace'),
};

const podFields: Record<string, Extract> = {
  'spec.nodeName': (o) => text(o, 'spec', 'nodeName'),
  'spec.restartPolicy': (o) => text(o, 'spec', 'restartPolicy'),
  'spec.schedulerName': (o) => text(o, 'spec', 'schedulerName'),
  'spec.serviceAccountName': (o) => text(o, 'spec', 'serviceAccountName'),
  'spec.hostNetwork': (o) => flag(o, 'spec', 'hostNetwork'),
  'status.phase': (o) => text(o, 'status', 'phase'),
  'status.podIP': firstPodIP,
  'status.nominatedNodeName': (o) => text(o, 'status', 'nominatedNodeName'),
};

const eventFields: Record<string, Extract> = {
  'involvedObject.kind': (o) => text(o, 'involvedObject', 'kind'),
  'involvedObject.namespace': (o) => text(o, 'involvedObject', 'namespace'),
  'involvedObject.name': (o) => text(o, 'involvedObject', 'name'),
  'involvedObject.uid': (o) => text(o, 'involvedObject', 'uid'),
  'involvedObject.apiVersion': (o) => text(o, 'involvedObject', 'apiVersion'),
  'involvedObject.resourceVersion': (o) => text(o, 'involvedObject', 'resourceVersion'),
  'involvedObject.fieldPath': (o) => text(o, 'involvedObject', 'fieldPath'),
  reason: (o) => text(o, 'reason'),
  reportingComponent: (o) => text(o, 'reportingComponent'),
  source: (o) => text(o, 'source', 'component') || text(o, 'reportingComponent'),
  type: (o) => text(o, 'type'),
};

const kindFields: Record<string, Record<string, Extract>> = {
  '/Pod': podFields,
  '/Event': eventFields,
  '/Secret': { type: (o) => text(o, 'type') },
  '/Node': { 'spec.unschedulable': (o) => flag(o, 'spec', 'unschedulable') },
  '/Namespace': { 'status.phase': (o) => text(o, 'status', 'phase') },
  'apps/ReplicaSet': { 'status.replicas': (o) => count(o, 'status', 'replicas') },
  'batch/Job': { 'status.successful': (o) => count(o, 'status', 'successful') },
};

function fieldsOf(info: Pick<ResourceInfo, 'group' | 'kind'>): Record<string, Extract> {
  return { ...metaFields, ...kindFields[`${info.group}/${info.kind}`] };
}

/** The field names `info`'s resource can be selected on. */
export function supportedFields(info: Pick<ResourceInfo, 'group' | 'kind'>): string[] {
  return Object.keys(fieldsOf(info));
}

/**
 * Throws `InvalidError` (`field label not supported: <f>`, as Kubernetes says) for the first
 * field the resource cannot be selected on.
 */
export function checkFieldSelector(
  info: Pick<ResourceInfo, 'group' | 'kind'>,
  selector: FieldSelector,
): void {
  const fields = fieldsOf(info);
  for (const r of selector.requirements) {
    if (!Object.hasOwn(fields, r.field)) {
      throw new InvalidError(`field label not supported: ${r.field}`);
    }
  }
}

/** A `get` for `FieldSelector.matches` reading `obj` as the apiserver does. */
export function fieldGetter(
  info: Pick<ResourceInfo, 'group' | 'kind'>,
  obj: KubeObject,
): (field: string) => string | undefined {
  const fields = fieldsOf(info);
  return (field) => (Object.hasOwn(fields, field) ? fields[field](obj) : undefined);
}
