/**
 * Container environment: `env` entries and `envFrom` sources.
 */
import type { EnvFromSource, EnvVar } from 'kubernetes-types/core/v1.js';
import { isQualifiedName } from '../names/labels.ts';
import { isConfigMapKey, isEnvVarName } from '../names/misc.ts';
import { each } from './common.ts';
import { invalid, notSupported, required, type FieldError } from './field-error.ts';
import { isSet, list, record, str } from './helpers.ts';
import { child, index } from './path.ts';

const fieldPaths = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];

const resourceFields = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];

function validateFieldRef(ref: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(ref.apiVersion)) errs.push(required(child(path, 'apiVersion')));
  const fieldPath = str(ref.fieldPath);
  if (!fieldPath) return [...errs, required(child(path, 'fieldPath'))];
  const subscript = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fieldPath);
  if (subscript) {
    const keyErrs = isQualifiedName(subscript[2].toLowerCase());
    for (const msg of keyErrs) errs.push(invalid(child(path, 'fieldPath'), fieldPath, msg));
    return errs;
  }
  if (!fieldPaths.includes(fieldPath)) {
    errs.push(notSupported(child(path, 'fieldPath'), fieldPath, fieldPaths));
  }
  return errs;
}

function validateKeySelector(ref: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(ref.name)) errs.push(required(child(path, 'name')));
  const k = str(ref.key);
  if (!k) errs.push(required(child(path, 'key')));
  else errs.push(...each(k, child(path, 'key'), isConfigMapKey));
  return errs;
}

function validateValueFrom(ev: EnvVar, path: string): FieldError[] {
  if (!isSet(ev.valueFrom)) return [];
  const from = record(ev.valueFrom);
  const errs: FieldError[] = [];
  let sources = 0;
  if (isSet(from.fieldRef)) {
    sources++;
    errs.push(...validateFieldRef(record(from.fieldRef), child(path, 'fieldRef')));
  }
  if (isSet(from.resourceFieldRef)) {
    sources++;
    const resource = str(record(from.resourceFieldRef).resource);
    const at = child(path, 'resourceFieldRef', 'resource');
    if (!resource) errs.push(required(at));
    else if (!resourceFields.includes(resource))
      errs.push(notSupported(at, resource, resourceFields));
  }
  for (const sel of ['configMapKeyRef', 'secretKeyRef'] as const) {
    if (!isSet(from[sel])) continue;
    sources++;
    errs.push(...validateKeySelector(record(from[sel]), child(path, sel)));
  }
  if (sources === 0) {
    errs.push(
      invalid(
        path,
        '',
        'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      ),
    );
  } else if (str(ev.value)) {
    errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (sources > 1) {
    errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

export function validateEnv(vars: readonly EnvVar[] | undefined, path: string): FieldError[] {
  return list(vars).flatMap((ev, i) => {
    const at = index(path, i);
    const name = str(ev?.name);
    const errs = name ? each(name, child(at, 'name'), isEnvVarName) : [required(child(at, 'name'))];
    return [...errs, ...validateValueFrom(ev ?? {}, child(at, 'valueFrom'))];
  });
}

export function validateEnvFrom(
  sources: readonly EnvFromSource[] | undefined,
  path: string,
): FieldError[] {
  return list(sources).flatMap((src, i) => {
    const at = index(path, i);
    const errs: FieldError[] = [];
    if (str(src?.prefix)) errs.push(...each(str(src.prefix), child(at, 'prefix'), isEnvVarName));
    const refs = (['configMapRef', 'secretRef'] as const).filter((k) => isSet(src?.[k]));
    for (const r of refs) {
      if (!str(record(src[r]).name)) errs.push(required(child(at, r, 'name')));
    }
    if (refs.length === 0) {
      errs.push(invalid(at, '', 'must specify one of: `configMapRef` or `secretRef`'));
    } else if (refs.length > 1) {
      errs.push(invalid(at, '', 'may not have more than one field specified at a time'));
    }
    return errs;
  });
}
