import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IoError, inputFromBytes, inputFromPull, outputToSink, poll, Pollable } from './io.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('wasi:io streams', () => {
  it('reads bytes in chunks of at most the requested length, then reports closed', () => {
    const s = inputFromBytes(bytes('hello'));
    assert.equal(str(s.read(3n)), 'hel');
    assert.equal(str(s.blockingRead(10n)), 'lo');
    assert.throws(
      () => s.read(1n),
      (e) => (e as { tag: string }).tag === 'closed',
    );
  });

  it('pulls lazily and ends when the source says so', () => {
    const chunks = [bytes('a'), bytes('bc')];
    const s = inputFromPull(() => chunks.shift());
    assert.equal(str(s.read(10n)), 'a');
    assert.equal(s.skip(1n), 1n);
    assert.equal(str(s.read(10n)), 'c');
    assert.throws(
      () => s.read(1n),
      (e) => (e as { tag: string }).tag === 'closed',
    );
  });

  it('turns a failing source into last-operation-failed with an IoError', () => {
    const s = inputFromPull(() => {
      throw new Error('disk on fire');
    });
    assert.throws(
      () => s.read(1n),
      (e) => {
        const err = e as { tag: string; val: IoError };
        return err.tag === 'last-operation-failed' && err.val.toDebugString() === 'disk on fire';
      },
    );
  });

  it('copies written bytes to the sink and splices from an input stream', () => {
    const got: string[] = [];
    const out = outputToSink((c) => got.push(str(c)));
    assert.ok(out.checkWrite() > 0n);
    out.write(bytes('x'));
    out.blockingWriteAndFlush(bytes('y'));
    assert.equal(out.blockingSplice(inputFromBytes(bytes('zz')), 1n), 1n);
    assert.deepEqual(got, ['x', 'y', 'z']);
  });

  it('reports a failed write once, then closed', () => {
    const out = outputToSink(() => {
      throw new Error('full');
    });
    assert.throws(
      () => out.write(bytes('a')),
      (e) => (e as { tag: string }).tag === 'last-operation-failed',
    );
    assert.throws(
      () => out.checkWrite(),
      (e) => (e as { tag: string }).tag === 'closed',
    );
  });

  it('calls onClose once when the guest drops the stream', () => {
    let closed = 0;
    const out = outputToSink(
      () => {},
      () => closed++,
    );
    out[Symbol.dispose]();
    out[Symbol.dispose]();
    assert.equal(closed, 1);
  });
});

describe('wasi:io poll', () => {
  it('returns the indices of the ready pollables', () => {
    const ready = new Pollable({ ready: () => true });
    const never = new Pollable({ ready: () => false, waitMs: () => Infinity });
    assert.deepEqual([...poll([never, ready, ready])], [1, 2]);
  });

  it('blocks until a pollable becomes ready', () => {
    let checks = 0;
    const soon = new Pollable({ ready: () => ++checks > 3, waitMs: () => 1 });
    const never = new Pollable({ ready: () => false });
    assert.deepEqual([...poll([never, soon])], [1]);
    assert.ok(checks > 3);
  });
});
