/**
 * `metadata` rules every kind shares, on create and on update.
 */
import type { ObjectMeta } from '../meta.ts';
import type { NameValidator } from '../names/object-names.ts';
import { nameIsDNSLabel } from '../names/object-names.ts';
import { invalid, forbidden, required, type FieldError } from './field-error.ts';
import {
  validateAnnotations,
  validateImmutable,
  validateLabels,
  validateNonNegative,
  validateQualifiedName,
} from './common.ts';
import { isSet, list, str } from './helpers.ts';
import { child, index } from './path.ts';

export function validateObjectMeta(
  meta: ObjectMeta,
  namespaced: boolean,
  nameFn: NameValidator,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const generateName = str(meta.generateName);
  if (generateName) {
    for (const msg of nameFn(generateName, true)) {
      errs.push(invalid(child(path, 'generateName'), generateName, msg));
    }
  }
  const name = str(meta.name);
  if (!name) errs.push(required(child(path, 'name'), 'name or generateName is required'));
  else for (const msg of nameFn(name, false)) errs.push(invalid(child(path, 'name'), name, msg));
  const ns = str(meta.namespace);
  if (namespaced) {
    if (!ns) errs.push(required(child(path, 'namespace')));
    else {
      for (const msg of nameIsDNSLabel(ns, false)) {
        errs.push(invalid(child(path, 'namespace'), ns, msg));
      }
    }
  } else if (ns) {
    errs.push(forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  errs.push(...validateNonNegative(meta.generation, child(path, 'generation')));
  errs.push(...validateMetaMaps(meta, path));
  return errs;
}

function validateMetaMaps(meta: ObjectMeta, path: string): FieldError[] {
  return [
    ...validateLabels(meta.labels, child(path, 'labels')),
    ...validateAnnotations(meta.annotations, child(path, 'annotations')),
    ...validateOwnerReferences(meta, child(path, 'ownerReferences')),
    ...validateFinalizers(list(meta.finalizers), child(path, 'finalizers')),
  ];
}

function validateOwnerReferences(meta: ObjectMeta, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  list(meta.ownerReferences).forEach((ref, i) => {
    const at = index(path, i);
    if (!str(ref.apiVersion)) {
      errs.push(
        invalid(child(at, 'apiVersion'), ref.apiVersion ?? '', 'version must not be empty'),
      );
    }
    if (!str(ref.kind))
      errs.push(invalid(child(at, 'kind'), ref.kind ?? '', 'kind must not be empty'));
    if (!str(ref.name))
      errs.push(invalid(child(at, 'name'), ref.name ?? '', 'name must not be empty'));
    if (!str(ref.uid)) errs.push(invalid(child(at, 'uid'), ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller === true) controllers.push(`${ref.kind}/${ref.name}`);
  });
  if (controllers.length > 1) {
    errs.push(
      invalid(
        path,
        meta.ownerReferences,
        'Only one reference can have Controller set to true. ' +
          `Found "true" in references for ${controllers.join(' and ')}`,
      ),
    );
  }
  return errs;
}

function validateFinalizers(finalizers: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers) errs.push(...validateQualifiedName(String(f), path));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(
      invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'),
    );
  }
  return errs;
}

/**
 * Update rules. System fields the server fills in (uid, creationTimestamp) are only compared
 * when the new object carries them, so a body without them is not refused for that.
 */
export function validateObjectMetaUpdate(
  next: ObjectMeta,
  prev: ObjectMeta,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateImmutable(next.name ?? '', prev.name ?? '', child(path, 'name')));
  errs.push(
    ...validateImmutable(next.namespace ?? '', prev.namespace ?? '', child(path, 'namespace')),
  );
  for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp'] as const) {
    if (str(next[f])) errs.push(...validateImmutable(next[f], prev[f], child(path, f)));
  }
  if (isSet(next.deletionGracePeriodSeconds)) {
    errs.push(
      ...validateImmutable(
        next.deletionGracePeriodSeconds,
        prev.deletionGracePeriodSeconds,
        child(path, 'deletionGracePeriodSeconds'),
      ),
    );
  }
  if (str(prev.deletionTimestamp)) {
    const old = new Set(list(prev.finalizers));
    const added = list(next.finalizers).filter((f) => !old.has(f));
    if (added.length > 0) {
      errs.push(
        forbidden(
          child(path, 'finalizers'),
          'no new finalizers can be added if the object is being deleted, ' +
            `found new finalizers ${JSON.stringify(added)}`,
        ),
      );
    }
  }
  return errs;
}
