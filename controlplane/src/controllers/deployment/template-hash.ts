/**
 * The `pod-template-hash` that names a Deployment's ReplicaSets and tells their pods apart, and
 * template equality that ignores it (how the controller and kubectl find a Deployment's current
 * ReplicaSet). The hash is FNV-1a over the template's canonical JSON, so key order and empty
 * lists do not change it, written as ten characters from the alphabet generated names use.
 */
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { POD_TEMPLATE_HASH_LABEL } from './types.ts';

/** Upstream's SafeEncodeString alphabet: no vowels, no look-alike digits. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const HASH_DIGITS = 10;

/** Maps whose empty form means the same as their absence. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'nodeSelector']);

/**
 * A copy that compares as Go's semantic equality does on the typed template: lists and the known
 * maps are the same whether empty or absent, and nulls are absent.
 */
function normalize(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    return value.length === 0 ? undefined : value.map((v) => normalize(v) ?? null);
  }
  if (value === null) return undefined;
  if (typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    const v = normalize((value as Record<string, unknown>)[k], k);
    if (v !== undefined) out[k] = v;
  }
  if (MAP_FIELDS.has(key) && Object.keys(out).length === 0) return undefined;
  return out;
}

function withoutHash(template: PodTemplateSpec | undefined): unknown {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return normalize(t) ?? {};
}

function canonicalJson(template: PodTemplateSpec | undefined): string {
  return JSON.stringify(withoutHash(template));
}

/** Equal pod templates apart from the `pod-template-hash` label. */
export function equalIgnoreHash(
  a: PodTemplateSpec | undefined,
  b: PodTemplateSpec | undefined,
): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The hash of a Deployment's template; `collisionCount` changes it when a ReplicaSet of that
 * name already exists with another template.
 */
export function computeTemplateHash(
  template: PodTemplateSpec | undefined,
  collisionCount?: number,
): string {
  let h = fnv1a32(canonicalJson(template));
  if (collisionCount !== undefined && collisionCount > 0) {
    h = fnv1a32(String(collisionCount), h);
  }
  const digits = String(h).padStart(HASH_DIGITS, '0');
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    out += SAFE_ALPHABET[digits.charCodeAt(i) % SAFE_ALPHABET.length];
  }
  return out;
}
