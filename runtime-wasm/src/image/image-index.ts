/**
 * What the blob cache cannot know by itself: which manifest a tag last resolved to and which
 * layer a manifest names. With it, a pull by digest needs no network at all, and a pull by tag
 * can fall back to the last good answer when the registry is out of reach.
 * Kept in `cacheDir/index.json`, rewritten atomically after each change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicFileMode, writeFileAtomic } from '@wisp/core';
import { isDigest } from './digest.ts';

export interface ImageIndex {
  /** Manifest digest last seen for `registry/repo:tag`. */
  tag(key: string): string | undefined;
  /** Layer (component) digest a manifest names. */
  layer(manifestDigest: string): string | undefined;
  record(tagKey: string | undefined, manifestDigest: string, layerDigest: string): Promise<void>;
  /** Forgets manifests (and their tags) naming an evicted layer. */
  forgetLayer(layerDigest: string): Promise<void>;
}

interface IndexDoc {
  tags: Record<string, string>;
  manifests: Record<string, string>;
}

export function openImageIndex(cacheDir: string): ImageIndex {
  const file = join(cacheDir, 'index.json');
  const doc = load(file);
  let writing: Promise<void> = Promise.resolve();

  // Writes are chained: writeFileAtomic uses one temporary name per target.
  const save = (): Promise<void> => {
    const text = `${JSON.stringify(doc)}\n`;
    writing = writing.then(() => writeFileAtomic(file, text, publicFileMode));
    return writing;
  };

  return {
    tag: (key) => doc.tags[key],
    layer: (manifestDigest) => doc.manifests[manifestDigest],
    record(tagKey, manifestDigest, layerDigest) {
      const same =
        doc.manifests[manifestDigest] === layerDigest &&
        (tagKey === undefined || doc.tags[tagKey] === manifestDigest);
      if (same) return writing;
      doc.manifests[manifestDigest] = layerDigest;
      if (tagKey !== undefined) doc.tags[tagKey] = manifestDigest;
      return save();
    },
    forgetLayer(layerDigest) {
      const gone = Object.keys(doc.manifests).filter((m) => doc.manifests[m] === layerDigest);
      if (gone.length === 0) return writing;
      for (const m of gone) delete doc.manifests[m];
      for (const [t, m] of Object.entries(doc.tags)) if (gone.includes(m)) delete doc.tags[t];
      return save();
    },
  };
}

function load(file: string): IndexDoc {
  const empty: IndexDoc = { tags: {}, manifests: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Missing or unreadable: the index is only a shortcut, the registry can rebuild it.
    return empty;
  }
  const d = parsed as Partial<IndexDoc>;
  const clean = (r: unknown): Record<string, string> =>
    Object.fromEntries(
      Object.entries(typeof r === 'object' && r !== null ? r : {}).filter(
        ([, v]) => typeof v === 'string' && isDigest(v),
      ),
    );
  return { tags: clean(d.tags), manifests: clean(d.manifests) };
}
