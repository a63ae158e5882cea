/**
 * One clause of a label selector (`tier in (web,api)`), its validation and its evaluation.
 */
import { isLabelValue, isQualifiedName } from '../names/labels.ts';
import { InvalidError } from '../validation/invalid-error.ts';

/** Kubernetes' selection operators, spelled as in `k8s.io/apimachinery/pkg/selection`. */
export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  /** Sorted and without duplicates. */
  readonly values: readonly string[];
}

export type Labels = Readonly<Record<string, string>>;

const integerShape = /^[+-]?[0-9]+$/;

function valueProblems(key: string, op: Operator, values: readonly string[]): string[] {
  switch (op) {
    case 'in':
    case 'notin':
      return values.length === 0 ? ["for 'in', 'notin' operators, values set can't be empty"] : [];
    case '=':
    case '==':
    case '!=':
      return values.length === 1 ? [] : ['exact-match compatibility requires one single value'];
    case 'exists':
    case '!':
      return values.length === 0 ? [] : ['values set must be empty for exists and does not exist'];
    case 'gt':
    case 'lt': {
      if (values.length !== 1) return ["for 'Gt', 'Lt' operators, exactly one value is required"];
      return integerShape.test(values[0])
        ? []
        : ["for 'Gt', 'Lt' operators, the value must be an integer"];
    }
    default:
      return [`operator ${JSON.stringify(op)} is not recognized for key ${JSON.stringify(key)}`];
  }
}

/**
 * A validated requirement. Throws `InvalidError` naming the key or value at fault.
 */
export function newRequirement(
  key: string,
  operator: Operator,
  values: Iterable<string>,
): Requirement {
  const vals = [...new Set(values)].sort();
  const problems: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length)
    problems.push(`invalid label key ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
  problems.push(...valueProblems(key, operator, vals));
  for (const v of vals) {
    const errs = isLabelValue(v);
    if (errs.length) {
      const at = `${JSON.stringify(v)}: at key: ${JSON.stringify(key)}`;
      problems.push(`invalid label value: ${at}: ${errs.join('; ')}`);
    }
  }
  if (problems.length === 1) throw new InvalidError(problems[0]);
  if (problems.length > 1) throw new InvalidError(`[${problems.join(', ')}]`);
  return { key, operator, values: vals };
}

export function matchesRequirement(r: Requirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(value as string);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt':
      return has && compareIntegers(value as string, r.values[0], r.operator);
  }
}

function compareIntegers(labelValue: string, bound: string, op: 'gt' | 'lt'): boolean {
  if (!integerShape.test(labelValue) || !integerShape.test(bound)) return false;
  const a = BigInt(labelValue);
  const b = BigInt(bound);
  return op === 'gt' ? a > b : a < b;
}

const operatorText: Record<Operator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

/** The requirement as it appears in a selector string: `!a`, `a`, `a=b`, `a in (x,y)`. */
export function requirementString(r: Requirement): string {
  if (r.operator === '!') return `!${r.key}`;
  if (r.operator === 'exists') return r.key;
  const values = r.values.join(',');
  const set = r.operator === 'in' || r.operator === 'notin';
  return `${r.key}${operatorText[r.operator]}${set ? `(${values})` : values}`;
}
