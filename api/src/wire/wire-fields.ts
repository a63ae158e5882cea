/**
 * Small checks every wire message decoder shares: an object or nothing, unknown fields by path,
 * RFC 3339 times, and UTF-8 JSON objects. Errors name the field path, as validation does.
 */
import { invalid, required, type FieldError } from '../validation/field-error.ts';
import { InvalidError } from '../validation/invalid-error.ts';
import { child } from '../validation/path.ts';

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function unknownFields(
  v: Record<string, unknown>,
  path: string,
  known: readonly string[],
): FieldError[] {
  return Object.keys(v)
    .filter((k) => !known.includes(k))
    .map((k) => invalid(child(path, k), '', 'unknown field'));
}

export function timeErrors(value: unknown, path: string): FieldError[] {
  if (typeof value !== 'string' || value === '') return [required(path)];
  if (!rfc3339.test(value) || Number.isNaN(Date.parse(value))) {
    return [invalid(path, value, 'must be an RFC 3339 time')];
  }
  return [];
}

/** Parses UTF-8 JSON that must be an object; InvalidError naming `what` otherwise. */
export function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new InvalidError(`${what}: Invalid value: not UTF-8 JSON`, { cause });
  }
  const record = asRecord(value);
  if (!record) throw new InvalidError(`${what}: Invalid value: must be an object`);
  return record;
}
