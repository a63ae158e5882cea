/**
 * Whether one PolicyRule covers a request, with upstream RBAC's wildcard rules: `*` in verbs,
 * apiGroups and resources; `*\/scale` for a subresource of any resource; resourceNames only for
 * requests that name an object; non-resource URLs exact or with a trailing `*` prefix.
 */
import type { PolicyRule } from 'kubernetes-types/rbac/v1.js';
import { combinedResource, isResourceRequest, type RequestAttributes } from './attributes.ts';

const all = '*';

export function ruleAllows(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!isResourceRequest(attrs)) return nonResourceURLMatches(rule, attrs.nonResourceURL ?? '');
  return (
    apiGroupMatches(rule, attrs.apiGroup ?? '') &&
    resourceMatches(rule, combinedResource(attrs), attrs.subresource ?? '') &&
    resourceNameMatches(rule, attrs.name ?? '')
  );
}

export function rulesAllow(rules: readonly PolicyRule[] | undefined, attrs: RequestAttributes) {
  return (rules ?? []).some((rule) => ruleAllows(rule, attrs));
}

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === all || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === all || g === group);
}

export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return (rule.resources ?? []).some(
    (r) => r === all || r === combined || (subresource !== '' && r === `*/${subresource}`),
  );
}

/** No resourceNames means every name; with some, only a request for one of those names. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (name !== '' && names.includes(name));
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => {
    if (u === all || u === path) return true;
    return u.endsWith(all) && path.startsWith(u.slice(0, -1));
  });
}
