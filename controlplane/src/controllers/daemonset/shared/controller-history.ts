/**
 * ControllerRevisions, the history DaemonSets and StatefulSets roll between: each holds a patch
 * that replaces `spec.template`, a revision number, and a name derived from a hash of what it
 * holds. Hashes are FNV-1a over a canonical JSON form, spelt with the apiserver's safe alphabet
 * as upstream's `rand.SafeEncodeString(fmt.Sprint(hash))`, so names look like upstream's
 * (`web-7b6c9d8f5`) without claiming to be byte-identical.
 *
 *   const data = templatePatch(ds);
 *   const name = revisionName(ds.metadata.name, hashOf(ds.spec.template, collisionCount));
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';

export const CONTROLLER_REVISIONS = findResource('apps', 'controllerrevisions')!;

/** The label a revision (and, for DaemonSets, each pod) carries with the revision's hash. */
export const REVISION_HASH_LABEL = 'controller-revision-hash';

/** Leaves room for `-<hash>` in a 253-character name, as `ControllerRevisionName`. */
const REVISION_PREFIX_CHARS_MAX = 223;

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export interface ControllerRevision extends KubeObject {
  data?: unknown;
  revision?: number;
}

/** JSON with object keys sorted, so equal values hash equally whatever order they were built. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Maps each character onto letters and digits that never spell words or look alike. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** The hash of a value, varied by the owner's collision count when one is set. */
export function hashOf(value: unknown, collisionCount?: number): string {
  const suffix = collisionCount ? `\u0000${collisionCount}` : '';
  return safeEncodeString(String(fnv32a(stableStringify(value) + suffix)));
}

export function revisionName(prefix: string, hash: string): string {
  return `${prefix.slice(0, REVISION_PREFIX_CHARS_MAX)}-${hash}`;
}

/** What a revision stores: a patch replacing the owner's pod template. */
export function templatePatch(owner: KubeObject): Record<string, unknown> {
  const spec = (owner.spec ?? {}) as { template?: Record<string, unknown> };
  return { spec: { template: { ...structuredClone(spec.template ?? {}), $patch: 'replace' } } };
}

/** The pod template a revision holds. */
export function templateOf(revision: ControllerRevision): Record<string, unknown> {
  const data = (revision.data ?? {}) as { spec?: { template?: Record<string, unknown> } };
  const { $patch: _p, ...template } = data.spec?.template ?? {};
  return structuredClone(template);
}

export function sameData(a: ControllerRevision, b: unknown): boolean {
  return stableStringify(a.data) === stableStringify(b);
}

export function revisionOf(r: ControllerRevision): number {
  return r.revision ?? 0;
}

/** Oldest first, as `SortControllerRevisions`: revision, then creation time, then name. */
export function sortRevisions<T extends ControllerRevision>(revisions: readonly T[]): T[] {
  return [...revisions].sort(
    (a, b) =>
      revisionOf(a) - revisionOf(b) ||
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
}

export function maxRevision(revisions: readonly ControllerRevision[]): number {
  return revisions.reduce((m, r) => Math.max(m, revisionOf(r)), 0);
}
