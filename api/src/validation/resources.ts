/**
 * Container resource requests and limits: names, quantities, and requests ≤ limits.
 */
import type { ResourceRequirements } from 'kubernetes-types/core/v1.js';
import { isQualifiedName } from '../names/labels.ts';
import { quantityProblem, tryParseQuantity } from '../quantity/parse.ts';
import type { Quantity } from '../quantity/quantity.ts';
import { negativeMessage, validateQualifiedName } from './common.ts';
import { invalid, required, type FieldError } from './field-error.ts';
import { record } from './helpers.ts';
import { child, key } from './path.ts';

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** Resources Kubernetes itself defines: unprefixed, or under a kubernetes.io domain. */
function isNative(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** Vendor resources such as `example.com/gpu`: whole units only, never overcommitted. */
export function isExtendedResource(name: string): boolean {
  if (isNative(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

function overcommitAllowed(name: string): boolean {
  return isNative(name) && !isHugePages(name);
}

function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateQualifiedName(name, path);
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !isHugePages(name)) {
      errs.push(invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNative(name) && !isExtendedResource(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** A quantity field: parseable, non-negative and, for extended resources, whole. */
export function validateQuantity(
  raw: unknown,
  path: string,
  resource = '',
): { errs: FieldError[]; q?: Quantity } {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : undefined;
  if (text === undefined) return { errs: [invalid(path, raw ?? null, 'must be a quantity')] };
  const q = tryParseQuantity(text);
  if (!q) return { errs: [invalid(path, text, quantityProblem(text) ?? 'invalid quantity')] };
  if (q.sign() < 0) return { errs: [invalid(path, q.toString(), negativeMessage)], q };
  if (resource && isExtendedResource(resource) && q.scaledValue(-3) % 1000n !== 0n) {
    return { errs: [invalid(path, q.toString(), 'must be an integer')], q };
  }
  return { errs: [], q };
}

export function validateResourceRequirements(
  res: ResourceRequirements | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(record(res?.limits))) {
    errs.push(...validateContainerResourceName(name, key(limPath, name)));
    const { errs: qErrs, q } = validateQuantity(raw, key(limPath, name), name);
    errs.push(...qErrs);
    if (q) limits.set(name, q);
  }
  for (const [name, raw] of Object.entries(record(res?.requests))) {
    errs.push(...validateContainerResourceName(name, key(reqPath, name)));
    const { errs: qErrs, q } = validateQuantity(raw, key(reqPath, name), name);
    errs.push(...qErrs);
    if (!q) continue;
    const limit = limits.get(name);
    if (limit) {
      if (!overcommitAllowed(name) && q.cmp(limit) !== 0) {
        errs.push(
          invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${limit.toString()}`),
        );
      } else if (q.cmp(limit) > 0) {
        errs.push(
          invalid(
            reqPath,
            q.toString(),
            `must be less than or equal to ${name} limit of ${limit.toString()}`,
          ),
        );
      }
    } else if (!overcommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}
