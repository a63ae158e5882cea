/**
 * Pods and pod templates, including what a pod update may change.
 */
import type { Pod, PodSpec, PodTemplateSpec, Toleration } from 'kubernetes-types/core/v1.js';
import { validateAnnotations, validateLabels } from './common.ts';
import { forbidden, invalid, required, type FieldError } from './field-error.ts';
import { clone, deepEqual, isSet, list, record, shape } from './helpers.ts';
import { child } from './path.ts';
import { activeDeadlineSecondsMax, validatePodSpec } from './pod-spec.ts';
import { inclusiveRangeError } from '../names/messages.ts';

export function validatePod(pod: Pod): FieldError[] {
  return validatePodSpec(pod.spec, 'spec');
}

/** A template's labels and annotations sit directly under it (`spec.template.labels`). */
export function validatePodTemplateSpec(
  tpl: PodTemplateSpec | undefined,
  path: string,
): FieldError[] {
  if (!tpl) return [required(path)];
  const meta = record(tpl.metadata);
  return [
    ...validateLabels(meta.labels, child(path, 'labels')),
    ...validateAnnotations(meta.annotations, child(path, 'annotations')),
    ...validatePodSpec(tpl.spec, child(path, 'spec')),
  ];
}

export const podUpdateForbiddenMessage =
  'pod updates may not change fields other than `spec.containers[*].image`,' +
  '`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,' +
  '`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function validateDeadlineUpdate(next: PodSpec, prev: PodSpec): FieldError[] {
  const path = 'spec.activeDeadlineSeconds';
  const n = next.activeDeadlineSeconds;
  const o = prev.activeDeadlineSeconds;
  if (!isSet(n)) {
    return isSet(o)
      ? [invalid(path, null, 'must not update from a positive integer to nil value')]
      : [];
  }
  if (typeof n !== 'number' || n < 0 || n > activeDeadlineSecondsMax) {
    return [invalid(path, n, inclusiveRangeError(0, activeDeadlineSecondsMax))];
  }
  if (typeof o === 'number' && o < n)
    return [invalid(path, n, 'must be less than or equal to previous value')];
  return [];
}

/** Existing tolerations may only change their tolerationSeconds; new ones may be added. */
function validateTolerationUpdate(next: PodSpec, prev: PodSpec): FieldError[] {
  const added = list(next.tolerations);
  for (const old of list(prev.tolerations)) {
    const found = added.some((t: Toleration) =>
      deepEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t),
    );
    if (!found) {
      return [
        forbidden(
          'spec.tolerations',
          'existing toleration can not be modified except its tolerationSeconds',
        ),
      ];
    }
  }
  return [];
}

function validateContainerCounts(next: PodSpec, prev: PodSpec): FieldError[] {
  for (const group of ['containers', 'initContainers'] as const) {
    if (list(next[group]).length !== list(prev[group]).length) {
      return [forbidden(`spec.${group}`, 'pod updates may not add or remove containers')];
    }
  }
  return [];
}

/** The new spec with every updatable field taken from the old one; must then equal it. */
function withUpdatableFieldsFrom(next: PodSpec, prev: PodSpec): PodSpec {
  const spec = clone(next);
  for (const group of ['containers', 'initContainers'] as const) {
    list(spec[group]).forEach((c, i) => {
      c.image = list(prev[group])[i]?.image;
    });
  }
  spec.activeDeadlineSeconds = prev.activeDeadlineSeconds;
  spec.tolerations = prev.tolerations;
  const oldGrace = prev.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && spec.terminationGracePeriodSeconds === 1) {
    spec.terminationGracePeriodSeconds = oldGrace;
  }
  return spec;
}

export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const next = shape<PodSpec>(pod.spec);
  const prev = shape<PodSpec>(old.spec);
  const counts = validateContainerCounts(next, prev);
  if (counts.length) return counts;
  const errs = [...validateDeadlineUpdate(next, prev), ...validateTolerationUpdate(next, prev)];
  if (!deepEqual(withUpdatableFieldsFrom(next, prev), prev)) {
    errs.push(forbidden('spec', podUpdateForbiddenMessage));
  }
  return errs;
}
