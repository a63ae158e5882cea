/**
 * Field errors in Kubernetes' shape and wording: `field` is the path, `message` the body that
 * follows it (`Required value`, `Invalid value: "x": must be ...`). The apiserver turns a list of
 * them into one `Invalid` Status with a cause per error.
 */
import type { ResourceInfo } from '../resources.ts';

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueNotFound';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  message: string;
}

/** A value printed as Go's `%v`/`%q`/`%#v` would, close enough for people to recognise. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return `[]string{${value.map((v) => JSON.stringify(v)).join(', ')}}`;
  }
  if (isStringMap(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${JSON.stringify(value[k])}`);
    return `map[string]string{${entries.join(', ')}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

function isStringMap(v: unknown): v is Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const values = Object.values(v);
  return values.length > 0 && values.every((x) => typeof x === 'string');
}

/** Marks a value that is printed bare, as Go prints types with a String() method. */
export class Bare {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** A struct-like value, printed as JSON even when all its fields are strings. */
export function asStruct(value: unknown): Bare {
  return new Bare(JSON.stringify(value) ?? 'null');
}

function withValue(label: string, value: unknown, detail: string): string {
  const shown = value instanceof Bare ? value.text : formatValue(value);
  return detail ? `${label}: ${shown}: ${detail}` : `${label}: ${shown}`;
}

function withDetail(label: string, detail: string): string {
  return detail ? `${label}: ${detail}` : label;
}

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, message: withDetail('Required value', detail) };
}

export function invalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: withValue('Invalid value', value, detail) };
}

export function notSupported(field: string, value: unknown, valid: readonly string[]): FieldError {
  const detail = valid.length
    ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}`
    : '';
  return {
    type: 'FieldValueNotSupported',
    field,
    message: withValue('Unsupported value', value, detail),
  };
}

export function duplicate(field: string, value: unknown, detail = ''): FieldError {
  return {
    type: 'FieldValueDuplicate',
    field,
    message: withValue('Duplicate value', value, detail),
  };
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, message: withDetail('Forbidden', detail) };
}

export function tooLong(field: string, bytesMax: number): FieldError {
  return {
    type: 'FieldValueTooLong',
    field,
    message: `Too long: must have at most ${bytesMax} bytes`,
  };
}

export function notFound(field: string, value: unknown): FieldError {
  return { type: 'FieldValueNotFound', field, message: withValue('Not found', value, '') };
}

/** `spec.containers[0].image: Required value`. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${e.message}`;
}

/**
 * The Status message Kubernetes writes for an invalid object:
 * `Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: ..., ...]`.
 */
export function invalidObjectMessage(
  info: Pick<ResourceInfo, 'group' | 'kind'>,
  name: string,
  errors: readonly FieldError[],
): string {
  const kind = info.group ? `${info.kind}.${info.group}` : info.kind;
  const head = `${kind} ${JSON.stringify(name)} is invalid`;
  const unique = [...new Set(errors.map(formatFieldError))];
  if (unique.length === 0) return head;
  if (unique.length === 1) return `${head}: ${unique[0]}`;
  return `${head}: [${unique.join(', ')}]`;
}
