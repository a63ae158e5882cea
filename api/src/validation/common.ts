/**
 * Field-level rules shared by many kinds: labels, annotations, selectors, names, numbers and
 * int-or-percent values. Each returns field errors at the path it is given.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { annotationsBytes, annotationsBytesMax } from '../names/annotations.ts';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from '../names/dns.ts';
import { isLabelValue, isQualifiedName } from '../names/labels.ts';
import { isValidPercent, isValidPortName, isValidPortNum } from '../names/misc.ts';
import { Bare, forbidden, invalid, required, tooLong, type FieldError } from './field-error.ts';
import { deepEqual, list, record } from './helpers.ts';
import { child, index } from './path.ts';

export const immutableMessage = 'field is immutable';
export const negativeMessage = 'must be greater than or equal to 0';

export function each(value: string, path: string, check: (v: string) => string[]): FieldError[] {
  return check(value).map((msg) => invalid(path, value, msg));
}

export function validateQualifiedName(value: string, path: string): FieldError[] {
  return each(value, path, isQualifiedName);
}

export function validateDNS1123Label(value: string, path: string): FieldError[] {
  return each(value, path, isDNS1123Label);
}

export function validateDNS1123Subdomain(value: string, path: string): FieldError[] {
  return each(value, path, isDNS1123Subdomain);
}

export function validateDNS1035Label(value: string, path: string): FieldError[] {
  return each(value, path, isDNS1035Label);
}

/** Keys and values of a label map; errors sit on the map's own path, as Kubernetes puts them. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(record(labels))) {
    errs.push(...validateQualifiedName(k, path));
    if (typeof v !== 'string') errs.push(invalid(path, v, 'must be a string'));
    else errs.push(...each(v, path, isLabelValue));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const map = record<string>(annotations);
  const errs: FieldError[] = [];
  // Annotation keys are qualified names except that case does not matter.
  for (const k of Object.keys(map)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
  }
  if (annotationsBytes(map) > annotationsBytesMax) errs.push(tooLong(path, annotationsBytesMax));
  return errs;
}

export function validateLabelSelector(
  selector: LabelSelector | null | undefined,
  path: string,
): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, child(path, 'matchLabels'));
  list(selector.matchExpressions).forEach((e, i) => {
    const at = index(child(path, 'matchExpressions'), i);
    const values = list(e.values);
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          errs.push(
            required(child(at, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"),
          );
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          errs.push(
            forbidden(
              child(at, 'values'),
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        }
        break;
      default:
        errs.push(invalid(child(at, 'operator'), e.operator, 'not a valid selector operator'));
    }
    errs.push(...validateQualifiedName(String(e.key ?? ''), child(at, 'key')));
    values.forEach((v, j) => {
      const vPath = index(child(at, 'values'), j);
      if (typeof v === 'string') errs.push(...each(v, vPath, isLabelValue));
      else errs.push(invalid(vPath, v, 'must be a string'));
    });
  });
  return errs;
}

export function validateNonNegative(value: unknown, path: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(path, value, negativeMessage)] : [];
}

export function validateImmutable(next: unknown, prev: unknown, path: string): FieldError[] {
  return deepEqual(next, prev) ? [] : [invalid(path, next, immutableMessage)];
}

/** An int-or-string port: a number in range, or an IANA port name. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') {
    return isValidPortNum(port).map((msg) => invalid(path, port, msg));
  }
  if (typeof port === 'string') return each(port, path, isValidPortName);
  return [invalid(path, port ?? null, 'must be an integer or a port name')];
}

/** A non-negative integer or a percentage string (`25%`). */
export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') {
    return isValidPercent(v).map((msg) => invalid(path, new Bare(v), msg));
  }
  if (typeof v === 'number') return validateNonNegative(v, path);
  return [invalid(path, v ?? null, "must be an integer or percentage (e.g '5%')")];
}

/** The number in an int-or-percent, and whether it was a percentage. */
export function intOrPercentValue(v: unknown): { value: number; percent: boolean } {
  if (typeof v === 'number') return { value: v, percent: false };
  if (typeof v === 'string' && /^[0-9]+%$/.test(v)) {
    return { value: Number(v.slice(0, -1)), percent: true };
  }
  return { value: 0, percent: false };
}

export function validateNotMoreThan100Percent(v: unknown, path: string): FieldError[] {
  const { value, percent } = intOrPercentValue(v);
  if (!percent || value <= 100) return [];
  return [invalid(path, new Bare(String(v)), 'must not be greater than 100%')];
}
