/**
 * Scheduling inputs: tolerations, taints, node selectors and affinity.
 */
import type {
  Affinity,
  NodeSelector,
  PodAffinityTerm,
  Taint,
  Toleration,
} from 'kubernetes-types/core/v1.js';
import { isLabelValue } from '../names/labels.ts';
import { validateLabelSelector, validateQualifiedName } from './common.ts';
import {
  asStruct,
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
  type FieldError,
} from './field-error.ts';
import { isSet, list, record, shape, str } from './helpers.ts';
import { child, index } from './path.ts';

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateTaintEffect(effect: string, allowEmpty: boolean, path: string): FieldError[] {
  if (!effect) return allowEmpty ? [] : [required(path)];
  return taintEffects.includes(effect) ? [] : [notSupported(path, effect, taintEffects)];
}

export function validateTolerations(
  tolerations: readonly Toleration[] | undefined,
  path: string,
): FieldError[] {
  return list(tolerations).flatMap((t, i) =>
    validateToleration(shape<Toleration>(t), index(path, i)),
  );
}

function validateToleration(t: Toleration, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const k = str(t.key);
  const op = str(t.operator);
  if (k) errs.push(...validateQualifiedName(k, child(path, 'key')));
  if (!k && op !== 'Exists') {
    errs.push(
      invalid(
        child(path, 'operator'),
        op,
        'operator must be Exists when `key` is empty, which means "match all values and all keys"',
      ),
    );
  }
  if (isSet(t.tolerationSeconds) && t.effect !== 'NoExecute') {
    errs.push(
      invalid(
        child(path, 'effect'),
        str(t.effect),
        "effect must be 'NoExecute' when `tolerationSeconds` is set",
      ),
    );
  }
  if (op === 'Equal' || op === '') {
    const msgs = isLabelValue(str(t.value));
    if (msgs.length) errs.push(invalid(child(path, 'operator'), str(t.value), msgs.join(';')));
  } else if (op === 'Exists') {
    if (str(t.value)) {
      errs.push(
        invalid(
          child(path, 'operator'),
          asStruct(t),
          "value must be empty when `operator` is 'Exists'",
        ),
      );
    }
  } else {
    errs.push(notSupported(child(path, 'operator'), op, ['Equal', 'Exists']));
  }
  errs.push(...validateTaintEffect(str(t.effect), true, child(path, 'effect')));
  return errs;
}

export function validateTaints(taints: readonly Taint[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list(taints).forEach((raw, i) => {
    const t = shape<Taint>(raw);
    const at = index(path, i);
    errs.push(...validateQualifiedName(str(t.key), child(at, 'key')));
    const msgs = isLabelValue(str(t.value));
    if (msgs.length) errs.push(invalid(child(at, 'value'), str(t.value), msgs.join(';')));
    errs.push(...validateTaintEffect(str(t.effect), false, child(at, 'effect')));
    const id = `${t.key}\u0000${t.effect}`;
    if (seen.has(id))
      errs.push(duplicate(at, asStruct(t), 'taints must be unique by key and effect pair'));
    seen.add(id);
  });
  return errs;
}

function validateNodeSelectorRequirement(raw: unknown, path: string): FieldError[] {
  const rq = record(raw);
  const errs: FieldError[] = [];
  const values = list(rq.values);
  switch (rq.operator) {
    case 'In':
    case 'NotIn':
      if (!values.length) {
        errs.push(
          required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"),
        );
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length) {
        errs.push(
          forbidden(
            child(path, 'values'),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      }
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) {
        errs.push(
          required(
            child(path, 'values'),
            "must be specified single value when `operator` is 'Lt' or 'Gt'",
          ),
        );
      }
      break;
    default:
      errs.push(
        invalid(child(path, 'operator'), rq.operator ?? '', 'not a valid selector operator'),
      );
  }
  errs.push(...validateQualifiedName(str(rq.key), child(path, 'key')));
  return errs;
}

function validateNodeSelectorTerm(raw: unknown, path: string): FieldError[] {
  const term = record(raw);
  return list(term.matchExpressions).flatMap((e, i) =>
    validateNodeSelectorRequirement(e, index(child(path, 'matchExpressions'), i)),
  );
}

export function validateNodeSelector(sel: NodeSelector | undefined, path: string): FieldError[] {
  const terms = list(sel?.nodeSelectorTerms);
  const at = child(path, 'nodeSelectorTerms');
  if (!terms.length) return [required(at, 'must have at least one node selector term')];
  return terms.flatMap((t, i) => validateNodeSelectorTerm(t, index(at, i)));
}

function validateWeight(weight: unknown, path: string): FieldError[] {
  return typeof weight === 'number' && weight >= 1 && weight <= 100
    ? []
    : [invalid(path, weight ?? null, 'must be in the range 1-100')];
}

function validatePodAffinityTerm(term: PodAffinityTerm, path: string): FieldError[] {
  const errs = validateLabelSelector(term?.labelSelector, child(path, 'labelSelector'));
  errs.push(...validateLabelSelector(term?.namespaceSelector, child(path, 'namespaceSelector')));
  const topologyKey = str(term?.topologyKey);
  if (!topologyKey) errs.push(required(child(path, 'topologyKey'), 'can not be empty'));
  else errs.push(...validateQualifiedName(topologyKey, child(path, 'topologyKey')));
  return errs;
}

function validatePodAffinity(raw: unknown, path: string): FieldError[] {
  const a = record(raw);
  const req = 'requiredDuringSchedulingIgnoredDuringExecution';
  const pref = 'preferredDuringSchedulingIgnoredDuringExecution';
  return [
    ...list(a[req]).flatMap((t, i) =>
      validatePodAffinityTerm(shape<PodAffinityTerm>(t), index(child(path, req), i)),
    ),
    ...list(a[pref]).flatMap((w, i) => {
      const at = index(child(path, pref), i);
      const wt = record(w);
      return [
        ...validateWeight(wt.weight, child(at, 'weight')),
        ...validatePodAffinityTerm(
          shape<PodAffinityTerm>(wt.podAffinityTerm),
          child(at, 'podAffinityTerm'),
        ),
      ];
    }),
  ];
}

export function validateAffinity(affinity: Affinity | undefined, path: string): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const na = record(affinity.nodeAffinity);
  const naPath = child(path, 'nodeAffinity');
  const req = 'requiredDuringSchedulingIgnoredDuringExecution';
  const pref = 'preferredDuringSchedulingIgnoredDuringExecution';
  if (isSet(na[req]))
    errs.push(...validateNodeSelector(na[req] as NodeSelector, child(naPath, req)));
  list(na[pref]).forEach((p, i) => {
    const at = index(child(naPath, pref), i);
    errs.push(...validateWeight(record(p).weight, child(at, 'weight')));
    errs.push(...validateNodeSelectorTerm(record(p).preference, child(at, 'preference')));
  });
  errs.push(...validatePodAffinity(affinity.podAffinity, child(path, 'podAffinity')));
  errs.push(...validatePodAffinity(affinity.podAntiAffinity, child(path, 'podAntiAffinity')));
  return errs;
}
