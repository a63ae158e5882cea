/**
 * RBAC roles and bindings.
 */
import type {
  ClusterRole,
  PolicyRule,
  Role,
  RoleBinding,
  RoleRef,
  Subject,
} from 'kubernetes-types/rbac/v1.js';
import { nameIsDNSSubdomain, nameIsPathSegment } from '../names/object-names.ts';
import { validateLabelSelector } from './common.ts';
import { asStruct, invalid, notSupported, required, type FieldError } from './field-error.ts';
import { deepEqual, list, shape, str } from './helpers.ts';
import { child, index } from './path.ts';

export const rbacGroup = 'rbac.authorization.k8s.io';

function validateRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!list(rule.verbs).length)
    errs.push(required(child(path, 'verbs'), 'verbs must contain at least one value'));
  const urls = list(rule.nonResourceURLs);
  if (urls.length) {
    if (namespaced) {
      errs.push(
        invalid(
          child(path, 'nonResourceURLs'),
          urls,
          'namespaced rules cannot apply to non-resource URLs',
        ),
      );
    }
    if (
      list(rule.apiGroups).length ||
      list(rule.resources).length ||
      list(rule.resourceNames).length
    ) {
      errs.push(
        invalid(
          child(path, 'nonResourceURLs'),
          urls,
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    }
    return errs;
  }
  if (!list(rule.apiGroups).length) {
    errs.push(
      required(child(path, 'apiGroups'), 'resource rules must supply at least one api group'),
    );
  }
  if (!list(rule.resources).length) {
    errs.push(
      required(child(path, 'resources'), 'resource rules must supply at least one resource'),
    );
  }
  return errs;
}

function validateRules(
  rules: readonly PolicyRule[] | undefined,
  namespaced: boolean,
): FieldError[] {
  return list(rules).flatMap((r, i) =>
    validateRule(shape<PolicyRule>(r), namespaced, index('rules', i)),
  );
}

export function validateRole(role: Role): FieldError[] {
  return validateRules(role.rules, true);
}

export function validateClusterRole(role: ClusterRole): FieldError[] {
  const errs = validateRules(role.rules, false);
  list(role.aggregationRule?.clusterRoleSelectors).forEach((s, i) => {
    errs.push(...validateLabelSelector(s, index('aggregationRule.clusterRoleSelectors', i)));
  });
  return errs;
}

function validateSubject(s: Subject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(s.name);
  if (!name) errs.push(required(child(path, 'name')));
  const apiGroup = str(s.apiGroup);
  switch (s.kind) {
    case 'ServiceAccount':
      if (name)
        for (const m of nameIsDNSSubdomain(name, false))
          errs.push(invalid(child(path, 'name'), name, m));
      if (apiGroup) errs.push(notSupported(child(path, 'apiGroup'), apiGroup, ['']));
      if (!namespaced && !str(s.namespace)) errs.push(required(child(path, 'namespace')));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== rbacGroup)
        errs.push(notSupported(child(path, 'apiGroup'), apiGroup, [rbacGroup]));
      break;
    default:
      errs.push(
        notSupported(child(path, 'kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']),
      );
  }
  return errs;
}

function validateBinding(b: RoleBinding, namespaced: boolean): FieldError[] {
  const ref = shape<RoleRef>(b.roleRef);
  const errs: FieldError[] = [];
  if (ref.apiGroup !== rbacGroup)
    errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  const name = str(ref.name);
  if (!name) errs.push(required('roleRef.name'));
  else for (const m of nameIsPathSegment(name, false)) errs.push(invalid('roleRef.name', name, m));
  list(b.subjects).forEach((s, i) => {
    errs.push(...validateSubject(shape<Subject>(s), namespaced, index('subjects', i)));
  });
  return errs;
}

export function validateRoleBinding(b: RoleBinding): FieldError[] {
  return validateBinding(b, true);
}

export function validateClusterRoleBinding(b: RoleBinding): FieldError[] {
  return validateBinding(b, false);
}

export function validateBindingUpdate(b: RoleBinding, old: RoleBinding): FieldError[] {
  return deepEqual(b.roleRef, old.roleRef)
    ? []
    : [invalid('roleRef', asStruct(b.roleRef), 'cannot change roleRef')];
}
