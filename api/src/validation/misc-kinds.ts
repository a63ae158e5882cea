/**
 * Small kinds: Lease, PodDisruptionBudget, RuntimeClass, ControllerRevision.
 */
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { RuntimeClass } from 'kubernetes-types/node/v1.js';
import type { PodDisruptionBudget, PodDisruptionBudgetSpec } from 'kubernetes-types/policy/v1.js';
import { nameIsDNSLabel } from '../names/object-names.ts';
import {
  validateImmutable,
  validateLabelSelector,
  validateLabels,
  validateNonNegative,
  validateNotMoreThan100Percent,
  validatePositiveIntOrPercent,
} from './common.ts';
import { invalid, notSupported, required, type FieldError } from './field-error.ts';
import { isSet, record, shape, str } from './helpers.ts';
import { key } from './path.ts';
import { validateQuantity } from './resources.ts';
import { validateTolerations } from './scheduling.ts';

export function validateLease(lease: Lease): FieldError[] {
  const spec = shape<NonNullable<Lease['spec']>>(lease.spec);
  const errs: FieldError[] = [];
  const duration = spec.leaseDurationSeconds;
  if (isSet(duration) && !(typeof duration === 'number' && duration > 0)) {
    errs.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  }
  errs.push(...validateNonNegative(spec.leaseTransitions, 'spec.leaseTransitions'));
  return errs;
}

const evictionPolicies = ['AlwaysAllow', 'IfHealthyBudget'];

export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  const spec = shape<PodDisruptionBudgetSpec>(pdb.spec);
  const errs: FieldError[] = [];
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) {
    errs.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const f of ['minAvailable', 'maxUnavailable'] as const) {
    if (!isSet(spec[f])) continue;
    errs.push(...validatePositiveIntOrPercent(spec[f], `spec.${f}`));
    errs.push(...validateNotMoreThan100Percent(spec[f], `spec.${f}`));
  }
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (isSet(policy) && !evictionPolicies.includes(str(policy))) {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, evictionPolicies));
  }
  return errs;
}

export function validateRuntimeClass(rc: RuntimeClass): FieldError[] {
  const handler = str(rc.handler);
  const errs = nameIsDNSLabel(handler, false).map((m) => invalid('handler', handler, m));
  for (const [name, q] of Object.entries(record(rc.overhead?.podFixed))) {
    errs.push(...validateQuantity(q, key('overhead.podFixed', name), name).errs);
  }
  errs.push(...validateLabels(rc.scheduling?.nodeSelector, 'scheduling.nodeSelector'));
  errs.push(...validateTolerations(rc.scheduling?.tolerations, 'scheduling.tolerations'));
  return errs;
}

export function validateRuntimeClassUpdate(rc: RuntimeClass, old: RuntimeClass): FieldError[] {
  return validateImmutable(rc.handler, old.handler, 'handler');
}

export function validateControllerRevision(cr: ControllerRevision): FieldError[] {
  const errs = validateNonNegative(cr.revision, 'revision');
  if (!isSet(cr.data)) errs.unshift(required('data', 'data is mandatory'));
  return errs;
}

export function validateControllerRevisionUpdate(
  cr: ControllerRevision,
  old: ControllerRevision,
): FieldError[] {
  return validateImmutable(cr.data, old.data, 'data');
}
