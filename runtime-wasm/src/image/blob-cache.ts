/**
 * Content-addressed blob cache: `dir/blobs/sha256/<hex>`. A blob enters only after its bytes
 * were hashed and counted on the way to a temporary file, then renamed into place, so a reader
 * never sees a partial or unverified file. Space is capped by `bytesMax`, reserved before a
 * download starts, and freed by evicting the least recently used blob that nobody has pinned.
 *
 *   const cache = openBlobCache({ dir, bytesMax: 512 * 1024 * 1024 }, { clock });
 *   await cache.ingest(digest, { size, sizeMax }, response.body);
 *   cache.pin(digest); // while an instance runs from it
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open, rename, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '@wisp/core';
import { digestHex, isDigest } from './digest.ts';

export interface BlobCacheInit {
  readonly dir: string;
  readonly bytesMax: number;
}

export interface BlobCacheComponents {
  readonly clock: Clock;
}

export interface IngestExpect {
  /** The exact size, when a descriptor or Content-Length states it. */
  readonly size?: number;
  /** The most bytes accepted when the size is not known up front. */
  readonly sizeMax: number;
}

export interface BlobCache {
  path(digest: string): string;
  /** Present as far as this process knows; `verify` re-reads it. */
  has(digest: string): boolean;
  size(digest: string): number | undefined;
  /** Re-hashes the file; a corrupt or vanished one is dropped and false returned. */
  verify(digest: string): Promise<boolean>;
  /** Streams `chunks` in; throws (and keeps nothing) on a size or digest mismatch. */
  ingest(digest: string, expect: IngestExpect, chunks: AsyncIterable<Uint8Array>): Promise<void>;
  /** Deletes a blob (one that verified but is unusable). */
  remove(digest: string): Promise<void>;
  /** Marks a blob recently used. */
  touch(digest: string): Promise<void>;
  pin(digest: string): void;
  unpin(digest: string): void;
  bytesUsed(): number;
  /** Called after a blob was evicted, so indexes pointing at it can forget it. */
  onEvict(listener: (digest: string) => void): void;
}

interface Entry {
  size: number;
  usedMs: number;
}

export function openBlobCache(init: BlobCacheInit, components: BlobCacheComponents): BlobCache {
  return new DiskBlobCache(init, components.clock);
}

class DiskBlobCache implements BlobCache {
  readonly #bytesMax: number;
  readonly #clock: Clock;
  readonly #blobDir: string;
  readonly #tmpDir: string;
  readonly #entries: Map<string, Entry>;
  readonly #pins = new Map<string, number>();
  readonly #listeners: ((digest: string) => void)[] = [];
  #reservedBytes = 0;
  #tmpSeq = 0;

  constructor(init: BlobCacheInit, clock: Clock) {
    this.#bytesMax = init.bytesMax;
    this.#clock = clock;
    this.#blobDir = join(init.dir, 'blobs', 'sha256');
    this.#tmpDir = join(init.dir, 'tmp');
    mkdirSync(this.#blobDir, { recursive: true });
    // Partial downloads from a previous run are never resumed: start clean.
    rmSync(this.#tmpDir, { recursive: true, force: true });
    mkdirSync(this.#tmpDir, { recursive: true });
    this.#entries = scan(this.#blobDir);
  }

  path(digest: string): string {
    return join(this.#blobDir, digestHex(digest));
  }

  has(digest: string): boolean {
    return this.#entries.has(digest);
  }

  size(digest: string): number | undefined {
    return this.#entries.get(digest)?.size;
  }

  bytesUsed(): number {
    return [...this.#entries.values()].reduce((n, e) => n + e.size, 0);
  }

  async verify(digest: string): Promise<boolean> {
    if (!this.#entries.has(digest)) return false;
    const actual = await hashFile(this.path(digest)).catch(() => undefined);
    if (actual === digest) return true;
    await this.remove(digest);
    return false;
  }

  async ingest(
    digest: string,
    expect: IngestExpect,
    chunks: AsyncIterable<Uint8Array>,
  ): Promise<void> {
    // An unknown size reserves all it may grow to, but never more than the cache can hold.
    const limit = expect.size ?? Math.min(expect.sizeMax, this.#bytesMax);
    this.#reserve(limit);
    const name = `${digestHex(digest)}.${process.pid}.${++this.#tmpSeq}.partial`;
    const tmp = join(this.#tmpDir, name);
    try {
      const size = await writeHashed(tmp, digest, limit, expect.size, chunks);
      await rename(tmp, this.path(digest));
      this.#entries.set(digest, { size, usedMs: this.#clock.now() });
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    } finally {
      this.#reservedBytes -= limit;
    }
  }

  async remove(digest: string): Promise<void> {
    this.#drop(digest);
    await rm(this.path(digest), { force: true });
  }

  async touch(digest: string): Promise<void> {
    const e = this.#entries.get(digest);
    if (!e) return;
    e.usedMs = this.#clock.now();
    // The file's mtime carries the use time across restarts; losing it only costs LRU order.
    const at = new Date(e.usedMs);
    await utimes(this.path(digest), at, at).catch(() => undefined);
  }

  pin(digest: string): void {
    this.#pins.set(digest, (this.#pins.get(digest) ?? 0) + 1);
  }

  unpin(digest: string): void {
    const n = this.#pins.get(digest) ?? 0;
    if (n <= 1) this.#pins.delete(digest);
    else this.#pins.set(digest, n - 1);
  }

  onEvict(listener: (digest: string) => void): void {
    this.#listeners.push(listener);
  }

  #drop(digest: string): void {
    if (!this.#entries.delete(digest)) return;
    for (const l of this.#listeners) l(digest);
  }

  /** Evicts unpinned blobs, oldest use first, until `bytes` more fit; throws if they cannot. */
  #reserve(bytes: number): void {
    if (bytes > this.#bytesMax) {
      throw new Error(`blob of ${bytes} bytes is larger than cacheBytesMax ${this.#bytesMax}`);
    }
    const victims = [...this.#entries]
      .filter(([d]) => !this.#pins.has(d))
      .sort((a, b) => a[1].usedMs - b[1].usedMs);
    while (this.bytesUsed() + this.#reservedBytes + bytes > this.#bytesMax) {
      const victim = victims.shift();
      if (!victim) throw this.#fullError(bytes);
      this.#drop(victim[0]);
      rmSync(this.path(victim[0]), { force: true });
    }
    this.#reservedBytes += bytes;
  }

  #fullError(bytes: number): Error {
    const pinned = [...this.#pins.keys()].reduce((n, d) => n + (this.size(d) ?? 0), 0);
    return new Error(
      `cache full: ${bytes} more bytes do not fit in cacheBytesMax ${this.#bytesMax}` +
        ` (${pinned} bytes pinned by running instances, ${this.#reservedBytes} being downloaded)`,
    );
  }
}

function scan(blobDir: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const name of readdirSync(blobDir)) {
    const digest = `sha256:${name}`;
    if (!isDigest(digest)) continue;
    const st = statSync(join(blobDir, name));
    if (st.isFile()) entries.set(digest, { size: st.size, usedMs: st.mtimeMs });
  }
  return entries;
}

async function writeHashed(
  tmp: string,
  digest: string,
  limit: number,
  size: number | undefined,
  chunks: AsyncIterable<Uint8Array>,
): Promise<number> {
  const hash = createHash('sha256');
  const file = await open(tmp, 'wx', 0o644);
  let written = 0;
  try {
    for await (const chunk of chunks) {
      written += chunk.length;
      if (written > limit) {
        throw new Error(
          size === undefined
            ? `blob is larger than ${limit} bytes (blobBytesMax, cacheBytesMax)`
            : `size mismatch: want ${size} bytes, got more`,
        );
      }
      hash.update(chunk);
      await file.write(chunk);
    }
    await file.sync();
  } finally {
    await file.close();
  }
  if (size !== undefined && written !== size) {
    throw new Error(`size mismatch: want ${size} bytes, got ${written}`);
  }
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== digest) throw new Error(`digest mismatch: want ${digest}, got ${actual}`);
  return written;
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
