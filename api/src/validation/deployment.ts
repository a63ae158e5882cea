/**
 * Deployments and ReplicaSets.
 */
import type { Deployment, DeploymentStrategy, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import {
  intOrPercentValue,
  validateImmutable,
  validateNonNegative,
  validateNotMoreThan100Percent,
  validatePositiveIntOrPercent,
} from './common.ts';
import { forbidden, invalid, notSupported, required, type FieldError } from './field-error.ts';
import { isSet, shape } from './helpers.ts';
import { child } from './path.ts';
import {
  validateLongRunningTemplate,
  validateTemplateMatches,
  validateWorkloadSelector,
} from './workload-template.ts';

function validateStrategy(raw: DeploymentStrategy | undefined, path: string): FieldError[] {
  const s = shape<DeploymentStrategy>(raw);
  switch (s.type) {
    case 'Recreate':
      return isSet(s.rollingUpdate)
        ? [
            forbidden(
              child(path, 'rollingUpdate'),
              "may not be specified when strategy `type` is 'Recreate'",
            ),
          ]
        : [];
    case 'RollingUpdate': {
      const ru = s.rollingUpdate;
      const at = child(path, 'rollingUpdate');
      if (!ru) return [required(at, 'this should be defaulted and never be nil')];
      const errs = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, child(at, 'maxUnavailable')),
        ...validatePositiveIntOrPercent(ru.maxSurge, child(at, 'maxSurge')),
      ];
      if (
        intOrPercentValue(ru.maxUnavailable).value === 0 &&
        intOrPercentValue(ru.maxSurge).value === 0
      ) {
        errs.push(
          invalid(
            child(at, 'maxUnavailable'),
            ru.maxUnavailable,
            'may not be 0 when `maxSurge` is 0',
          ),
        );
      }
      errs.push(...validateNotMoreThan100Percent(ru.maxUnavailable, child(at, 'maxUnavailable')));
      return errs;
    }
    default:
      return [notSupported(child(path, 'type'), s.type ?? '', ['Recreate', 'RollingUpdate'])];
  }
}

export function validateDeployment(d: Deployment): FieldError[] {
  const spec = shape<NonNullable<Deployment['spec']>>(d.spec);
  const errs = [
    ...validateNonNegative(spec.replicas, 'spec.replicas'),
    ...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
    ...validateStrategy(spec.strategy, 'spec.strategy'),
  ];
  const deadline = spec.progressDeadlineSeconds;
  if (typeof deadline === 'number') {
    errs.push(...validateNonNegative(deadline, 'spec.progressDeadlineSeconds'));
    if (deadline <= (spec.minReadySeconds ?? 0)) {
      errs.push(
        invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'),
      );
    }
  }
  const sel = validateWorkloadSelector(
    spec.selector,
    'spec.selector',
    'empty selector is invalid for deployment',
  );
  errs.push(...sel.errs);
  errs.push(...validateTemplateMatches(sel.selector, spec.template, 'spec.template'));
  errs.push(...validateLongRunningTemplate(spec.template, 'spec.template', 'ReplicaSet'));
  return errs;
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const spec = shape<NonNullable<ReplicaSet['spec']>>(rs.spec);
  // Kubernetes says "deployment" here too; kept so messages match.
  const sel = validateWorkloadSelector(
    spec.selector,
    'spec.selector',
    'empty selector is invalid for deployment',
  );
  return [
    ...validateNonNegative(spec.replicas, 'spec.replicas'),
    ...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...sel.errs,
    ...validateTemplateMatches(sel.selector, spec.template, 'spec.template'),
    ...validateLongRunningTemplate(spec.template, 'spec.template', 'ReplicaSet'),
  ];
}

/** apps/v1 selectors never change: the controller would orphan its own pods. */
export function validateSelectorUpdate(
  next: { spec?: { selector?: unknown } },
  prev: { spec?: { selector?: unknown } },
): FieldError[] {
  return validateImmutable(next.spec?.selector, prev.spec?.selector, 'spec.selector');
}
