/**
 * `spec.topologySpreadConstraints`, checked as the Kubernetes apiserver checks them: maxSkew and
 * minDomains positive, minDomains only with DoNotSchedule, topologyKey required, the enums, one
 * constraint per {topologyKey, whenUnsatisfiable}, matchLabelKeys only beside a labelSelector
 * and not repeating its keys, and the selector itself.
 */
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { validateLabelSelector, validateQualifiedName } from './common.ts';
import { duplicate, forbidden, invalid, notSupported, required } from './field-error.ts';
import type { FieldError } from './field-error.ts';
import { isSet, list, record, shape, str } from './helpers.ts';
import { child, index } from './path.ts';

const WHEN_UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'];
const NODE_INCLUSION_POLICIES = ['Honor', 'Ignore'];
const NOT_POSITIVE = 'must be greater than zero';

function validatePositive(value: unknown, path: string): FieldError[] {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
    ? []
    : [invalid(path, value ?? null, NOT_POSITIVE)];
}

function validateMinDomains(c: TopologySpreadConstraint, path: string): FieldError[] {
  if (!isSet(c.minDomains)) return [];
  const errs = validatePositive(c.minDomains, path);
  if (c.whenUnsatisfiable !== 'DoNotSchedule') {
    const action = str(c.whenUnsatisfiable);
    const detail = `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`;
    errs.push(invalid(path, c.minDomains, detail));
  }
  return errs;
}

function validatePolicy(value: unknown, path: string): FieldError[] {
  if (!isSet(value)) return [];
  return typeof value === 'string' && NODE_INCLUSION_POLICIES.includes(value)
    ? []
    : [notSupported(path, value, NODE_INCLUSION_POLICIES)];
}

function validateMatchLabelKeys(c: TopologySpreadConstraint, path: string): FieldError[] {
  const keys = list(c.matchLabelKeys);
  if (keys.length === 0) return [];
  const errs: FieldError[] = [];
  const selector = c.labelSelector;
  if (!selector) errs.push(forbidden(path, 'must not be specified when labelSelector is not set'));
  const selected = new Set([
    ...Object.keys(record(selector?.matchLabels)),
    ...list(selector?.matchExpressions).map((e) => str(record(e).key)),
  ]);
  keys.forEach((k, i) => {
    errs.push(...validateQualifiedName(str(k), index(path, i)));
    if (selected.has(str(k))) {
      errs.push(invalid(index(path, i), k, 'exists in both matchLabelKeys and labelSelector'));
    }
  });
  return errs;
}

function validateConstraint(c: TopologySpreadConstraint, path: string): FieldError[] {
  const errs = validatePositive(c.maxSkew, child(path, 'maxSkew'));
  if (!str(c.topologyKey)) errs.push(required(child(path, 'topologyKey'), 'can not be empty'));
  const when = c.whenUnsatisfiable;
  if (typeof when !== 'string' || !WHEN_UNSATISFIABLE.includes(when)) {
    errs.push(notSupported(child(path, 'whenUnsatisfiable'), when ?? '', WHEN_UNSATISFIABLE));
  }
  errs.push(
    ...validateMinDomains(c, child(path, 'minDomains')),
    ...validatePolicy(c.nodeAffinityPolicy, child(path, 'nodeAffinityPolicy')),
    ...validatePolicy(c.nodeTaintsPolicy, child(path, 'nodeTaintsPolicy')),
    ...validateMatchLabelKeys(c, child(path, 'matchLabelKeys')),
    ...validateLabelSelector(c.labelSelector, child(path, 'labelSelector')),
  );
  return errs;
}

export function validateTopologySpreadConstraints(
  constraints: readonly TopologySpreadConstraint[] | undefined,
  path: string,
): FieldError[] {
  const all = list(constraints).map((c) => shape<TopologySpreadConstraint>(c));
  return all.flatMap((c, i) => {
    const at = index(path, i);
    const errs = validateConstraint(c, at);
    const repeated = all
      .slice(i + 1)
      .some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable);
    if (repeated) {
      const pair = `{${str(c.topologyKey)}, ${str(c.whenUnsatisfiable)}}`;
      errs.push(duplicate(child(at, '{topologyKey, whenUnsatisfiable}'), pair));
    }
    return errs;
  });
}
