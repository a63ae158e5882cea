/**
 * Field-set arithmetic as free functions, for callers that hold `FieldsV1` or sets.
 */
import { FieldSet } from './field-set.ts';

export function unionFieldSets(...sets: FieldSet[]): FieldSet {
  return sets.reduce((a, b) => a.union(b), new FieldSet());
}

export function intersectFieldSets(a: FieldSet, b: FieldSet): FieldSet {
  return a.intersection(b);
}

/** `from` without the members of `remove` (leaf by leaf). */
export function removeFieldSet(from: FieldSet, remove: FieldSet): FieldSet {
  return from.difference(remove);
}

/** What `after` has that `before` lacks, and the other way round. */
export function diffFieldSets(
  before: FieldSet,
  after: FieldSet,
): { added: FieldSet; removed: FieldSet } {
  return { added: after.difference(before), removed: before.difference(after) };
}
