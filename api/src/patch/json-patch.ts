/**
 * RFC 6902 JSON Patch (`application/json-patch+json`).
 *
 *   applyJsonPatch(pod, [{ op: 'replace', path: '/spec/replicas', value: 3 }])
 *
 * The document is copied first and the copy returned, so a failing operation changes nothing.
 * Errors follow kube-apiserver: a body that is not an array of objects is 400 BadRequest, any
 * operation that cannot be applied (a failed `test` included) is 422 Invalid, more than
 * `jsonPatchOperationsMax` operations is 413.
 */
import { arrayIndexOf, parseJsonPointer } from './json-pointer.ts';
import {
  cloneJson,
  getKey,
  isJsonObject,
  jsonEqual,
  preview,
  setKey,
  type JsonObject,
  type JsonValue,
} from './json-value.ts';
import { PatchError } from './patch-error.ts';

/** kube-apiserver's `maxJSONPatchOperations`. */
export const jsonPatchOperationsMax = 10_000;

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: JsonValue }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

export interface JsonPatchOptions {
  operationsMax?: number;
}

export function applyJsonPatch(
  doc: unknown,
  ops: unknown,
  options: JsonPatchOptions = {},
): JsonValue {
  const operations = decodeJsonPatch(ops, options.operationsMax ?? jsonPatchOperationsMax);
  const box: Box = { root: cloneJson(doc) as JsonValue };
  operations.forEach((op, i) => applyOne(box, op, i));
  return box.root;
}

/** Checks the shape of a patch body and returns it typed. */
export function decodeJsonPatch(ops: unknown, operationsMax = jsonPatchOperationsMax) {
  if (!Array.isArray(ops)) {
    throw new PatchError('ERR_BAD_REQUEST', 'json patch must be an array of operations');
  }
  if (ops.length > operationsMax) {
    const msg =
      `The allowed maximum operations in a JSON patch is ${operationsMax}, ` + `got ${ops.length}`;
    throw new PatchError('ERR_TOO_LARGE', msg);
  }
  return ops.map((op: unknown, i): JsonPatchOperation => checkOperation(op, i));
}

function checkOperation(op: unknown, i: number): JsonPatchOperation {
  if (!isJsonObject(op)) {
    throw new PatchError('ERR_BAD_REQUEST', `json patch operation ${i} must be an object`);
  }
  const name = op.op;
  if (typeof name !== 'string' || !OPS.has(name)) {
    throw new PatchError('ERR_INVALID', `json patch operation ${i}: unknown op ${preview(name)}`);
  }
  const where = `json patch operation ${i} (${name})`;
  if (typeof op.path !== 'string') {
    throw new PatchError('ERR_INVALID', `${where}: path: Required value`);
  }
  if ((name === 'move' || name === 'copy') && typeof op.from !== 'string') {
    throw new PatchError(
      'ERR_INVALID',
      `${where} at ${JSON.stringify(op.path)}: from: Required value`,
    );
  }
  if ((name === 'add' || name === 'replace' || name === 'test') && !Object.hasOwn(op, 'value')) {
    throw new PatchError(
      'ERR_INVALID',
      `${where} at ${JSON.stringify(op.path)}: value: Required value`,
    );
  }
  return op as JsonPatchOperation;
}

interface Box {
  root: JsonValue;
}

function applyOne(box: Box, op: JsonPatchOperation, i: number): void {
  const fail = (why: string): never => {
    throw new PatchError(
      'ERR_INVALID',
      `json patch operation ${i} (${op.op}) at ${JSON.stringify(op.path)}: ${why}`,
    );
  };
  const path = pointer(op.path, fail);
  switch (op.op) {
    case 'add':
      return add(box, path, cloneJson(op.value), fail);
    case 'remove':
      return remove(box, path, fail);
    case 'replace':
      return replace(box, path, cloneJson(op.value), fail);
    case 'test':
      if (!jsonEqual(get(box.root, path, fail), op.value)) fail('test failed: value differs');
      return;
    case 'copy':
    case 'move': {
      const from = pointer(op.from, fail);
      const value = get(box.root, from, (why) => fail(`from ${JSON.stringify(op.from)}: ${why}`));
      if (op.op === 'copy') return add(box, path, cloneJson(value), fail);
      if (isProperPrefix(from, path)) fail('cannot move a value into one of its own children');
      if (from.length === path.length && from.every((t, k) => t === path[k])) return;
      remove(box, from, fail);
      return add(box, path, value, fail);
    }
  }
}

type Fail = (why: string) => never;

function pointer(p: string, fail: Fail): string[] {
  try {
    return parseJsonPointer(p);
  } catch (e) {
    return fail((e as Error).message);
  }
}

function isProperPrefix(prefix: string[], path: string[]): boolean {
  return prefix.length < path.length && prefix.every((t, i) => t === path[i]);
}

/** The value at `path`; fails when any step is missing. */
function get(root: JsonValue, path: readonly string[], fail: Fail): JsonValue {
  let cur: JsonValue = root;
  for (const token of path) {
    const next = child(cur, token);
    if (next === undefined) fail('path not found');
    cur = next as JsonValue;
  }
  return cur;
}

function child(v: JsonValue, token: string): JsonValue | undefined {
  if (Array.isArray(v)) {
    const i = arrayIndexOf(token);
    return i !== undefined && i < v.length ? v[i] : undefined;
  }
  return isJsonObject(v) ? getKey(v, token) : undefined;
}

function parentOf(box: Box, path: readonly string[], fail: Fail): JsonObject | JsonValue[] {
  const parent = get(box.root, path.slice(0, -1), (why) => fail(`parent ${why}`));
  if (Array.isArray(parent) || isJsonObject(parent)) return parent;
  return fail(`parent is a ${parent === null ? 'null' : typeof parent}, not an object or array`);
}

function add(box: Box, path: readonly string[], value: JsonValue, fail: Fail): void {
  if (path.length === 0) {
    box.root = value;
    return;
  }
  const parent = parentOf(box, path, fail);
  const last = path[path.length - 1];
  if (!Array.isArray(parent)) return setKey(parent, last, value);
  const i = last === '-' ? parent.length : arrayIndexOf(last);
  if (i === undefined || i > parent.length) fail(`invalid array index ${JSON.stringify(last)}`);
  parent.splice(i as number, 0, value);
}

function replace(box: Box, path: readonly string[], value: JsonValue, fail: Fail): void {
  get(box.root, path, fail);
  if (path.length === 0) {
    box.root = value;
    return;
  }
  const parent = parentOf(box, path, fail);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent[arrayIndexOf(last) as number] = value;
  else setKey(parent, last, value);
}

function remove(box: Box, path: readonly string[], fail: Fail): void {
  if (path.length === 0) fail('cannot remove the whole document');
  const parent = parentOf(box, path, fail);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    const i = arrayIndexOf(last);
    if (i === undefined || i >= parent.length) fail(`invalid array index ${JSON.stringify(last)}`);
    parent.splice(i as number, 1);
  } else {
    if (!Object.hasOwn(parent, last)) fail('path not found');
    delete parent[last];
  }
}
