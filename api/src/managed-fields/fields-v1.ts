/**
 * The `FieldsV1` encoding of a field set in `metadata.managedFields`: a tree of objects keyed by
 * serialized path elements, where `{}` marks a member and `".": {}` marks a member that also has
 * members below it.
 *
 *   {"f:metadata":{"f:labels":{"f:app":{}}},
 *    "f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}}}}
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../patch/json-value.ts';
import { PatchError } from '../patch/patch-error.ts';
import { FieldSet } from './field-set.ts';
import { comparePathElements, parsePathElement, serializePathElement } from './path-element.ts';

export function toFieldsV1(set: FieldSet): JsonObject {
  return encode(set, false);
}

function encode(set: FieldSet, self: boolean): JsonObject {
  const out: JsonObject = {};
  if (self && !set.isEmpty()) out['.'] = {};
  const members = set.memberElements();
  const children = new Map(set.childEntries().map((c) => [serializePathElement(c.pe), c]));
  const keys = new Map(members.map((pe) => [serializePathElement(pe), pe]));
  for (const c of children.values()) keys.set(serializePathElement(c.pe), c.pe);
  const ordered = [...keys.values()].sort(comparePathElements);
  for (const pe of ordered) {
    const key = serializePathElement(pe);
    const child = children.get(key);
    out[key] = child ? encode(child.set, set.hasMember(pe)) : {};
  }
  return out;
}

export function fromFieldsV1(fields: JsonValue | undefined): FieldSet {
  if (fields === undefined || fields === null) return new FieldSet();
  if (!isJsonObject(fields)) throw badFields('fieldsV1 must be an object');
  return decode(fields).set;
}

function decode(obj: JsonObject): { set: FieldSet; member: boolean } {
  const set = new FieldSet();
  let member = false;
  let entries = 0;
  for (const [key, value] of Object.entries(obj)) {
    if (key === '.') {
      member = true;
      continue;
    }
    const pe = parsePathElement(key);
    if (pe === undefined) continue;
    if (!isJsonObject(value))
      throw badFields(`fieldsV1 entry ${JSON.stringify(key)} must be an object`);
    const child = decode(value);
    entries++;
    if (child.member) set.insertMember(pe);
    if (!child.set.isEmpty()) set.attachChild(pe, child.set);
  }
  return { set, member: member || entries === 0 };
}

function badFields(message: string): PatchError {
  return new PatchError('ERR_BAD_REQUEST', `metadata.managedFields: ${message}`);
}
