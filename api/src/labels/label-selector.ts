/**
 * The structured selector objects carry (`spec.selector` of workloads, PDBs and services'
 * owners): `matchLabels` plus `matchExpressions`.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { InvalidError } from '../validation/invalid-error.ts';
import { newRequirement, type Operator, type Requirement } from './requirement.ts';
import { everything, nothing, selectorOf, type Selector } from './selector.ts';

const expressionOperators: Record<string, Operator> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * The selector a `LabelSelector` means. A missing selector matches nothing; an empty one matches
 * everything. Throws `InvalidError` for unknown operators, keys or values.
 */
export function selectorFromLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls === null || ls === undefined) return nothing();
  const labels = ls.matchLabels ?? {};
  const expressions = ls.matchExpressions ?? [];
  if (Object.keys(labels).length + expressions.length === 0) return everything();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(labels)) reqs.push(newRequirement(k, '=', [v]));
  for (const e of expressions) {
    const op = Object.hasOwn(expressionOperators, e.operator)
      ? expressionOperators[e.operator]
      : undefined;
    if (!op) {
      throw new InvalidError(
        `${JSON.stringify(e.operator)} is not a valid label selector operator`,
      );
    }
    reqs.push(newRequirement(e.key, op, e.values ?? []));
  }
  return selectorOf(reqs);
}

/** As kubectl prints a selector: `app=web,tier in (a,b)`, `<none>`, or `<error>`. */
export function labelSelectorAsString(ls: LabelSelector | null | undefined): string {
  let s: string;
  try {
    s = selectorFromLabelSelector(ls).toString();
  } catch {
    return '<error>';
  }
  return s.length === 0 ? '<none>' : s;
}
