/**
 * Revisions of NodeDesired documents that never go backwards, across restarts and leader changes.
 * A document's revision is the store revision of a small record (`/registry/_wisp/node-desired/
 * <node>` = the content digest) written when its content changes: every store write gets a
 * revision above all before it, so a new document is newer than anything already sent, and at
 * least as new as every object it was built from. Unchanged content keeps its record and revision,
 * so a restart re-signs the same revision instead of minting one.
 *
 *   const revisions = createDesiredRevisions({ store });
 *   const revision = await revisions.reserve('edge-1', digest);
 */
import { isWispError, type Store } from '@wisp/core';

export const nodeDesiredPrefix = '/registry/_wisp/node-desired/';

export interface DesiredRevisions {
  /** The revision for this content of the node's document; writes only if the digest changed. */
  reserve(nodeName: string, digest: string): Promise<number>;
  /** Forgets the cached record of a node (the store keeps it, so revisions stay monotonic). */
  forget(nodeName: string): void;
}

interface RecordState {
  readonly digest: string;
  readonly revision: number;
}

export function createDesiredRevisions(components: { readonly store: Store }): DesiredRevisions {
  const { store } = components;
  const cache = new Map<string, RecordState>();

  async function read(nodeName: string): Promise<RecordState | undefined> {
    const kv = await store.get(nodeDesiredPrefix + nodeName);
    if (!kv) return undefined;
    const { digest } = JSON.parse(kv.value) as { digest: string };
    return { digest, revision: kv.modRevision };
  }

  async function write(nodeName: string, digest: string, at: RecordState | undefined) {
    const value = JSON.stringify({ digest });
    const key = nodeDesiredPrefix + nodeName;
    if (!at) return store.create(key, value);
    return (await store.update(key, value, at.revision)).modRevision;
  }

  return {
    async reserve(nodeName, digest) {
      for (let attempt = 0; ; attempt++) {
        const known = cache.get(nodeName) ?? (await read(nodeName));
        if (known?.digest === digest) {
          cache.set(nodeName, known);
          return known.revision;
        }
        try {
          const revision = await write(nodeName, digest, known);
          cache.set(nodeName, { digest, revision });
          return revision;
        } catch (e) {
          // Another writer (a previous leader) moved the record: read it again.
          const raced = isWispError(e, 'ERR_CONFLICT') || isWispError(e, 'ERR_ALREADY_EXISTS');
          cache.delete(nodeName);
          if (!raced || attempt >= 3) throw e;
        }
      }
    },
    forget: (nodeName) => void cache.delete(nodeName),
  };
}
