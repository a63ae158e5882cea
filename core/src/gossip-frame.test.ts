import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeFrame, FrameReader, readFrame } from './gossip-frame.ts';

async function* chunks(...parts: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield p;
}

describe('gossip frames', () => {
  it('reads a frame split at every possible point', () => {
    const frame = encodeFrame(new TextEncoder().encode('hello'));
    for (let cut = 0; cut <= frame.length; cut++) {
      const reader = new FrameReader(100, 'f');
      const first = reader.push(frame.subarray(0, cut));
      const body = first ?? reader.push(frame.subarray(cut));
      assert.equal(new TextDecoder().decode(body), 'hello');
    }
  });

  it('reads frames from views into larger (pooled) buffers', () => {
    const pool = new Uint8Array(64).fill(0xee);
    pool.set(encodeFrame(Uint8Array.of(7, 8)), 10);
    const body = new FrameReader(10, 'f').push(pool.subarray(10, 16));
    assert.deepEqual(body, Uint8Array.of(7, 8));
  });

  it('refuses a frame over its cap as soon as the length arrives', () => {
    const reader = new FrameReader(4, 'request');
    assert.throws(
      () => reader.push(Uint8Array.of(0, 0, 0, 5)),
      (e: Error & { code?: string }) => e.code === 'ERR_TOO_LARGE' && /request/.test(e.message),
    );
  });

  it('accepts a frame exactly at its cap and an empty frame', () => {
    assert.equal(new FrameReader(3, 'f').push(encodeFrame(Uint8Array.of(1, 2, 3)))?.length, 3);
    assert.equal(new FrameReader(3, 'f').push(encodeFrame(new Uint8Array(0)))?.length, 0);
  });

  it('refuses bytes after the end of the frame', () => {
    const extra = new Uint8Array([...encodeFrame(Uint8Array.of(1)), 9]);
    assert.throws(() => new FrameReader(9, 'f').push(extra), /after the end/);
  });

  it('readFrame fails when the stream ends early', async () => {
    await assert.rejects(readFrame(chunks(Uint8Array.of(0, 0)), 9, 'f'), /ended before/);
    const body = await readFrame(chunks(encodeFrame(Uint8Array.of(4))), 9, 'f');
    assert.deepEqual(body, Uint8Array.of(4));
  });
});
