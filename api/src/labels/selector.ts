/**
 * A label selector: the AND of its requirements, kept sorted by key so its string form is
 * canonical (`parseSelector(s.toString())` gives the same selector back).
 */
import {
  matchesRequirement,
  requirementString,
  type Labels,
  type Requirement,
} from './requirement.ts';

export interface Selector {
  readonly requirements: readonly Requirement[];
  matches(labels: Labels | undefined): boolean;
  /** True when the selector does not restrict anything (it matches every object). */
  empty(): boolean;
  toString(): string;
  /** The single value `key` must equal for a match, when the selector demands one. */
  requiresExactMatch(key: string): string | undefined;
  /** A new selector with `more` requirements added. */
  add(...more: Requirement[]): Selector;
}

const noLabels: Labels = Object.freeze({});

class RequirementsSelector implements Selector {
  readonly requirements: readonly Requirement[];

  constructor(requirements: readonly Requirement[]) {
    // A stable sort keeps same-key requirements in the order they were written.
    this.requirements = Object.freeze([...requirements].sort(byKey));
  }

  matches(labels: Labels | undefined): boolean {
    const ls = labels ?? noLabels;
    return this.requirements.every((r) => matchesRequirement(r, ls));
  }

  empty(): boolean {
    return this.requirements.length === 0;
  }

  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }

  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((x) => x.key === key);
    if (!r || r.values.length !== 1) return undefined;
    return r.operator === '=' || r.operator === '==' || r.operator === 'in'
      ? r.values[0]
      : undefined;
  }

  add(...more: Requirement[]): Selector {
    return new RequirementsSelector([...this.requirements, ...more]);
  }
}

function byKey(a: Requirement, b: Requirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

const nothingSelector: Selector = Object.freeze({
  requirements: Object.freeze([]) as readonly Requirement[],
  matches: () => false,
  empty: () => false,
  toString: () => '',
  requiresExactMatch: () => undefined,
  add(): Selector {
    return nothingSelector;
  },
});

export function selectorOf(requirements: readonly Requirement[]): Selector {
  return new RequirementsSelector(requirements);
}

/** Matches every object. */
export function everything(): Selector {
  return new RequirementsSelector([]);
}

/** Matches no object: what a missing `LabelSelector` means. */
export function nothing(): Selector {
  return nothingSelector;
}

/** `key=value` for every entry; the labels are trusted to be valid already. */
export function selectorFromSet(labels: Labels | undefined): Selector {
  const reqs = Object.entries(labels ?? {}).map(([key, value]): Requirement => ({
    key,
    operator: '=',
    values: [value],
  }));
  return new RequirementsSelector(reqs);
}
