/**
 * structured-merge-diff's `EnsureNamedFieldsAreMembers`: a set that owns `.spec.replicas` is
 * also taken to own `.spec`, so pruning can drop objects nobody owns anything in any more. Our
 * tables do not tell struct fields from map keys, so every field below another is "named"; the
 * built-in kinds have no maps of objects, where the two would differ.
 */
import { FieldSet } from './field-set.ts';

export function withNamedParents(set: FieldSet): FieldSet {
  const out = new FieldSet();
  for (const pe of set.memberElements()) out.insertMember(pe);
  for (const child of set.childEntries()) {
    if (child.pe.kind === 'field') out.insertMember(child.pe);
    out.attachChild(child.pe, withNamedParents(child.set));
  }
  return out;
}
