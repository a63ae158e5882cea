/**
 * Field selectors (`?fieldSelector=spec.nodeName=n1,status.phase!=Failed`): equality tests on a
 * few server-extracted fields. In values, `\`, `,` and `=` are escaped with a backslash.
 */
import { InvalidError } from '../validation/invalid-error.ts';

export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly op: FieldOperator;
  readonly value: string;
}

export interface FieldSelector {
  /** Sorted by their text, as Kubernetes sorts terms. */
  readonly requirements: readonly FieldRequirement[];
  /** `get` returns the object's value for a field; a missing field reads as "". */
  matches(get: (field: string) => string | undefined): boolean;
  empty(): boolean;
  toString(): string;
  /** The value `field` must equal for a match, when the selector demands one. */
  requiresExactMatch(field: string): string | undefined;
}

export const fieldSelectorCharsMax = 16 * 1024;

/** `!=` first so `a!=b` is not read as `a!` `=` `b`; `==` before `=` likewise. */
const operators: readonly FieldOperator[] = ['!=', '==', '='];

export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      const n = s[i + 1];
      if (n === undefined) {
        throw new InvalidError('invalid field selector: invalid escape sequence: \\');
      }
      if (n !== '\\' && n !== ',' && n !== '=') {
        throw new InvalidError(`invalid field selector: invalid escape sequence: \\${n}`);
      }
      out += n;
      i++;
    } else if (c === ',' || c === '=') {
      throw new InvalidError(`invalid field selector: unescaped character in value: ${c}`);
    } else out += c;
  }
  return out;
}

/** Terms split at commas not preceded by an escaping backslash. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    if (escaped) escaped = false;
    else if (s[i] === '\\') escaped = true;
    else if (s[i] === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

function splitTerm(term: string): [string, FieldOperator, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of operators) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

function requirementString(r: FieldRequirement): string {
  return `${r.field}${r.op === '!=' ? '!=' : '='}${escapeFieldValue(r.value)}`;
}

class Fields implements FieldSelector {
  readonly requirements: readonly FieldRequirement[];

  constructor(requirements: FieldRequirement[]) {
    this.requirements = Object.freeze(requirements);
  }

  matches(get: (field: string) => string | undefined): boolean {
    return this.requirements.every((r) => {
      const v = get(r.field) ?? '';
      return r.op === '!=' ? v !== r.value : v === r.value;
    });
  }

  empty(): boolean {
    return this.requirements.length === 0;
  }

  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }

  requiresExactMatch(field: string): string | undefined {
    const r = this.requirements.find((x) => x.field === field);
    return r && r.op !== '!=' ? r.value : undefined;
  }
}

/**
 * Parses a field selector; `""` selects everything. Throws `InvalidError` (code `ERR_INVALID`)
 * worded as Kubernetes words it: `invalid selector: 'x'; can't understand 'x'`.
 */
export function parseFieldSelector(s: string): FieldSelector {
  if (s.length > fieldSelectorCharsMax) {
    throw new InvalidError(
      `field selector must be no more than ${fieldSelectorCharsMax} characters`,
    );
  }
  const terms = splitTerms(s).sort();
  const reqs: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw new InvalidError(`invalid selector: '${s}'; can't understand '${term}'`);
    const [field, op, raw] = parts;
    reqs.push({ field, op, value: unescapeFieldValue(raw) });
  }
  return new Fields(reqs);
}

/** A selector requiring each field to equal its value. */
export function fieldSelectorFromSet(set: Readonly<Record<string, string>>): FieldSelector {
  const reqs = Object.keys(set)
    .sort()
    .map((field): FieldRequirement => ({ field, op: '=', value: set[field] }));
  return new Fields(reqs);
}
