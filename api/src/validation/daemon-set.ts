/**
 * DaemonSets.
 */
import type { DaemonSet, DaemonSetUpdateStrategy } from 'kubernetes-types/apps/v1.js';
import {
  intOrPercentValue,
  validateNonNegative,
  validateNotMoreThan100Percent,
  validatePositiveIntOrPercent,
} from './common.ts';
import { invalid, notSupported, required, type FieldError } from './field-error.ts';
import { shape } from './helpers.ts';
import { child } from './path.ts';
import {
  validateLongRunningTemplate,
  validateTemplateMatches,
  validateWorkloadSelector,
} from './workload-template.ts';

function validateUpdateStrategy(
  raw: DaemonSetUpdateStrategy | undefined,
  path: string,
): FieldError[] {
  const s = shape<DaemonSetUpdateStrategy>(raw);
  if (s.type === 'OnDelete') return [];
  if (s.type !== 'RollingUpdate') {
    return [notSupported(child(path, 'type'), s.type ?? '', ['RollingUpdate', 'OnDelete'])];
  }
  const ru = s.rollingUpdate;
  const at = child(path, 'rollingUpdate');
  if (!ru) return [required(at)];
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, child(at, 'maxUnavailable')),
    ...validatePositiveIntOrPercent(ru.maxSurge, child(at, 'maxSurge')),
    ...validateNotMoreThan100Percent(ru.maxUnavailable, child(at, 'maxUnavailable')),
    ...validateNotMoreThan100Percent(ru.maxSurge, child(at, 'maxSurge')),
  ];
  const unavailable = intOrPercentValue(ru.maxUnavailable).value !== 0;
  const surge = intOrPercentValue(ru.maxSurge).value !== 0;
  if (unavailable && surge) {
    errs.push(
      invalid(child(at, 'maxSurge'), ru.maxSurge, 'may not be set when maxUnavailable is non-zero'),
    );
  } else if (!unavailable && !surge) {
    errs.push(
      invalid(child(at, 'maxUnavailable'), ru.maxUnavailable, 'cannot be 0 when maxSurge is 0'),
    );
  }
  return errs;
}

export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const spec = shape<NonNullable<DaemonSet['spec']>>(ds.spec);
  const sel = validateWorkloadSelector(
    spec.selector,
    'spec.selector',
    'empty selector is invalid for daemonset',
  );
  return [
    ...sel.errs,
    ...validateTemplateMatches(sel.selector, spec.template, 'spec.template'),
    ...validateLongRunningTemplate(spec.template, 'spec.template', 'DaemonSet'),
    ...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateUpdateStrategy(spec.updateStrategy, 'spec.updateStrategy'),
    ...validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
  ];
}
