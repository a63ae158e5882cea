import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { openBlobCache } from './blob-cache.ts';
import { sha256Digest } from './digest.ts';

async function* chunks(...parts: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield p;
}

const blob = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

describe('blob cache', () => {
  let dir: string;
  let clock: FakeClock;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wisp-blobs-'));
    clock = new FakeClock();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function put(cache: ReturnType<typeof openBlobCache>, b: Uint8Array): Promise<string> {
    const digest = sha256Digest(b);
    await cache.ingest(digest, { size: b.length, sizeMax: b.length }, chunks(b));
    return digest;
  }

  it('stores a verified blob under its digest, streamed in pieces', async () => {
    const cache = openBlobCache({ dir, bytesMax: 100 }, { clock });
    const b = blob(10, 1);
    const digest = sha256Digest(b);
    await cache.ingest(digest, { sizeMax: 100 }, chunks(b.subarray(0, 4), b.subarray(4)));
    assert.ok(cache.has(digest));
    assert.equal(cache.size(digest), 10);
    assert.ok(cache.path(digest).endsWith(`blobs/sha256/${digest.slice(7)}`));
    assert.equal(await cache.verify(digest), true);
  });

  it('keeps nothing when the digest or the size does not match', async () => {
    const cache = openBlobCache({ dir, bytesMax: 100 }, { clock });
    const want = sha256Digest(blob(10, 2));
    await assert.rejects(
      cache.ingest(want, { size: 10, sizeMax: 10 }, chunks(blob(10, 3))),
      new RegExp(`digest mismatch: want ${want}, got ${sha256Digest(blob(10, 3))}`),
    );
    await assert.rejects(
      cache.ingest(want, { size: 10, sizeMax: 10 }, chunks(blob(11, 2))),
      /size mismatch: want 10 bytes, got more/,
    );
    await assert.rejects(
      cache.ingest(want, { size: 10, sizeMax: 10 }, chunks(blob(9, 2))),
      /size mismatch: want 10 bytes, got 9/,
    );
    await assert.rejects(
      cache.ingest(want, { sizeMax: 5 }, chunks(blob(10, 2))),
      /larger than 5 bytes \(blobBytesMax, cacheBytesMax\)/,
    );
    assert.equal(cache.has(want), false);
    assert.equal(cache.bytesUsed(), 0);
    assert.deepEqual(readdirSync(join(dir, 'tmp')), []);
    assert.deepEqual(readdirSync(join(dir, 'blobs', 'sha256')), []);
  });

  it('evicts the least recently used blob to make room, exactly at the limit', async () => {
    const cache = openBlobCache({ dir, bytesMax: 30 }, { clock });
    const a = await put(cache, blob(10, 1));
    clock.advance(1);
    const b = await put(cache, blob(10, 2));
    clock.advance(1);
    const c = await put(cache, blob(10, 3));
    assert.equal(cache.bytesUsed(), 30);
    clock.advance(1);
    await cache.touch(a);
    const evicted: string[] = [];
    cache.onEvict((d) => evicted.push(d));
    const d = await put(cache, blob(10, 4));
    assert.deepEqual(evicted, [b]);
    assert.equal(existsSync(cache.path(b)), false);
    assert.ok(cache.has(a) && cache.has(c) && cache.has(d));
  });

  it('never evicts a pinned blob and says so when nothing else can go', async () => {
    const cache = openBlobCache({ dir, bytesMax: 20 }, { clock });
    const a = await put(cache, blob(10, 1));
    clock.advance(1);
    const b = await put(cache, blob(10, 2));
    cache.pin(a);
    cache.pin(b);
    cache.unpin(b);
    await put(cache, blob(10, 3));
    assert.ok(cache.has(a));
    assert.equal(cache.has(b), false);
    cache.pin(a);
    cache.unpin(a); // still pinned once
    const c = sha256Digest(blob(10, 3));
    cache.pin(c);
    await assert.rejects(put(cache, blob(10, 4)), /cache full: 10 more bytes .*\(20 bytes pinned/);
  });

  it('refuses a blob larger than the whole cache before reading it', async () => {
    const cache = openBlobCache({ dir, bytesMax: 20 }, { clock });
    await assert.rejects(put(cache, blob(21, 1)), /21 bytes is larger than cacheBytesMax 20/);
  });

  it('drops a corrupt file on verify', async () => {
    const cache = openBlobCache({ dir, bytesMax: 100 }, { clock });
    const a = await put(cache, blob(10, 1));
    writeFileSync(cache.path(a), 'tampered');
    assert.equal(await cache.verify(a), false);
    assert.equal(cache.has(a), false);
    assert.equal(existsSync(cache.path(a)), false);
  });

  it('finds the blobs of a previous run and clears its partial downloads', async () => {
    const first = openBlobCache({ dir, bytesMax: 100 }, { clock });
    const a = await put(first, blob(10, 1));
    writeFileSync(join(dir, 'tmp', 'x.partial'), 'half');
    const second = openBlobCache({ dir, bytesMax: 100 }, { clock });
    assert.ok(second.has(a));
    assert.equal(second.bytesUsed(), 10);
    assert.deepEqual(readdirSync(join(dir, 'tmp')), []);
  });
});
