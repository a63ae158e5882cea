/**
 * What every controller-owned workload shares: a selector that must select its own template,
 * and a template whose pods restart forever.
 */
import type { PodSpec, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { selectorFromLabelSelector } from '../labels/label-selector.ts';
import type { Selector } from '../labels/selector.ts';
import { validateLabelSelector } from './common.ts';
import { forbidden, invalid, notSupported, required, type FieldError } from './field-error.ts';
import { record, shape } from './helpers.ts';
import { child } from './path.ts';
import { validatePodTemplateSpec } from './pod.ts';

export const selectorMismatchMessage = '`selector` does not match template `labels`';

/** Structural checks on `spec.selector`, and the selector when it is usable. */
export function validateWorkloadSelector(
  raw: LabelSelector | undefined,
  path: string,
  emptyMessage: string,
): { errs: FieldError[]; selector?: Selector } {
  if (!raw) return { errs: [required(path)] };
  const errs = validateLabelSelector(raw, path);
  const terms = Object.keys(record(raw.matchLabels)).length + (raw.matchExpressions?.length ?? 0);
  if (terms === 0) errs.push(invalid(path, raw, emptyMessage));
  if (errs.length) return { errs };
  try {
    return { errs, selector: selectorFromLabelSelector(raw) };
  } catch {
    return { errs: [invalid(path, raw, 'invalid label selector')] };
  }
}

/** The template's labels must satisfy the workload's own selector. */
export function validateTemplateMatches(
  selector: Selector | undefined,
  tpl: PodTemplateSpec | undefined,
  path: string,
): FieldError[] {
  if (!selector || !tpl || selector.empty()) return [];
  const labels = tpl.metadata?.labels;
  if (selector.matches(labels)) return [];
  return [invalid(child(path, 'metadata', 'labels'), labels ?? {}, selectorMismatchMessage)];
}

/**
 * A template for pods a controller keeps running: `restartPolicy` Always and no active
 * deadline. `owner` names the controller in the message, as Kubernetes does.
 */
export function validateLongRunningTemplate(
  tpl: PodTemplateSpec | undefined,
  path: string,
  owner: string,
): FieldError[] {
  const errs = validatePodTemplateSpec(tpl, path);
  if (!tpl) return errs;
  const spec = shape<PodSpec>(tpl.spec);
  if (spec.restartPolicy !== 'Always') {
    errs.push(
      notSupported(child(path, 'spec', 'restartPolicy'), spec.restartPolicy ?? '', ['Always']),
    );
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(
      forbidden(
        child(path, 'spec', 'activeDeadlineSeconds'),
        `activeDeadlineSeconds in ${owner} is not Supported`,
      ),
    );
  }
  return errs;
}
