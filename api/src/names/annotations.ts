/**
 * Annotations share one size budget per object, counted over keys and values.
 */
import { utf8Bytes } from './messages.ts';

/** 256 KiB, as Kubernetes' TotalAnnotationSizeLimitB. */
export const annotationsBytesMax = 256 * 1024;

export function annotationsBytes(annotations: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    total += utf8Bytes(k) + (typeof v === 'string' ? utf8Bytes(v) : 0);
  }
  return total;
}

export function annotationsWithinLimit(annotations: Readonly<Record<string, string>>): boolean {
  return annotationsBytes(annotations) <= annotationsBytesMax;
}
