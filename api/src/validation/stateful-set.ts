/**
 * StatefulSets, including the short list of spec fields an update may touch.
 */
import type { StatefulSet, StatefulSetSpec } from 'kubernetes-types/apps/v1.js';
import { validateNonNegative } from './common.ts';
import { forbidden, invalid, required, type FieldError } from './field-error.ts';
import { clone, deepEqual, isSet, shape } from './helpers.ts';
import {
  validateLongRunningTemplate,
  validateTemplateMatches,
  validateWorkloadSelector,
} from './workload-template.ts';

function validatePolicies(spec: StatefulSetSpec): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy;
  if (!pmp) errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') {
    errs.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  }
  const strategy = shape<NonNullable<StatefulSetSpec['updateStrategy']>>(spec.updateStrategy);
  switch (strategy.type) {
    case undefined:
    case '':
      errs.push(required('spec.updateStrategy'));
      break;
    case 'OnDelete':
      if (isSet(strategy.rollingUpdate)) {
        errs.push(
          invalid(
            'spec.updateStrategy.rollingUpdate',
            strategy.rollingUpdate,
            "only allowed for updateStrategy 'RollingUpdate'",
          ),
        );
      }
      break;
    case 'RollingUpdate':
      errs.push(
        ...validateNonNegative(
          strategy.rollingUpdate?.partition,
          'spec.updateStrategy.rollingUpdate.partition',
        ),
      );
      break;
    default:
      errs.push(invalid('spec.updateStrategy', strategy, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  return errs;
}

export function validateStatefulSet(sts: StatefulSet): FieldError[] {
  const spec = shape<StatefulSetSpec>(sts.spec);
  const sel = validateWorkloadSelector(
    spec.selector,
    'spec.selector',
    'empty selector is invalid for statefulset',
  );
  return [
    ...validatePolicies(spec),
    ...validateNonNegative(spec.replicas, 'spec.replicas'),
    ...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
    ...validateNonNegative(spec.ordinals?.start, 'spec.ordinals.start'),
    ...sel.errs,
    ...validateTemplateMatches(sel.selector, spec.template, 'spec.template'),
    ...validateLongRunningTemplate(spec.template, 'spec.template', 'StatefulSet'),
  ];
}

const updatableFields = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
] as const;

export function validateStatefulSetUpdate(sts: StatefulSet, old: StatefulSet): FieldError[] {
  const next = clone(shape<Record<string, unknown>>(sts.spec));
  const prev = shape<Record<string, unknown>>(old.spec);
  for (const f of updatableFields) next[f] = prev[f];
  if (deepEqual(next, prev)) return [];
  return [
    forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', " +
        "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and " +
        "'minReadySeconds' are forbidden",
    ),
  ];
}
