/**
 * The fields a write changed, in server-side apply's terms.
 *
 *   changedFields(old, updated, { apiVersion: 'apps/v1', kind: 'Deployment' }).modified
 */
import type { JsonValue } from '../patch/json-value.ts';
import type { KindRef } from '../patch/schema/kinds.ts';
import { kindSlot } from './to-field-set.ts';
import { compareTyped, type Comparison } from './typed-compare.ts';

export function changedFields(before: unknown, after: unknown, kind: KindRef): Comparison {
  return compareTyped(before as JsonValue | undefined, after as JsonValue, kindSlot(kind));
}

export type { Comparison };
