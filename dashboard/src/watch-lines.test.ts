import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLineSplitter, watchLineBytesMax, WatchLineTooLongError } from './watch-lines.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('watch line splitter', () => {
  it('joins an event split across chunks and drops blank lines', () => {
    const lines = createLineSplitter();
    assert.deepEqual(lines.push(bytes('{"type":"ADD')), []);
    assert.deepEqual(lines.push(bytes('ED"}\n\n{"a":1}\n{"b"')), ['{"type":"ADDED"}', '{"a":1}']);
    assert.deepEqual(lines.push(bytes(':2}\n')), ['{"b":2}']);
  });

  it('keeps a multi-byte character split between chunks intact', () => {
    const lines = createLineSplitter();
    const all = bytes('"héllo"\n');
    assert.deepEqual(lines.push(all.slice(0, 3)), []);
    assert.deepEqual(lines.push(all.slice(3)), ['"héllo"']);
  });

  it('refuses an unfinished line longer than the limit', () => {
    const lines = createLineSplitter();
    assert.throws(
      () => lines.push(bytes('x'.repeat(watchLineBytesMax + 1))),
      (e) => e instanceof WatchLineTooLongError && e.code === 'WATCH_LINE_TOO_LONG',
    );
  });
});
