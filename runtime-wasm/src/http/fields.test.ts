import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Fields, isValidFieldValue } from './fields.ts';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (vs: Uint8Array[]): string[] => vs.map((v) => new TextDecoder().decode(v));

describe('wasi:http fields', () => {
  it('looks names up case-insensitively and keeps every value in order', () => {
    const f = Fields.fromList([
      ['X-A', b('1')],
      ['x-a', b('2')],
    ]);
    f.append('X-a', b('3'));
    assert.deepEqual(text(f.get('x-A')), ['1', '2', '3']);
    assert.equal(f.has('X-A'), true);
    assert.deepEqual(
      f.entries().map(([n]) => n),
      ['x-a', 'x-a', 'x-a'],
    );
  });

  it('replaces all values on set and removes them on delete', () => {
    const f = Fields.fromList([
      ['x-a', b('1')],
      ['x-a', b('2')],
      ['x-b', b('3')],
    ]);
    f.set('x-a', [b('9')]);
    assert.deepEqual(text(f.get('x-a')), ['9']);
    f.delete('x-a');
    assert.equal(f.has('x-a'), false);
    assert.deepEqual(text(f.get('x-b')), ['3']);
  });

  it('rejects invalid names and values with invalid-syntax', () => {
    assert.throws(() => Fields.fromList([['bad name', b('v')]]), { tag: 'invalid-syntax' });
    assert.throws(() => Fields.fromList([['', b('v')]]), { tag: 'invalid-syntax' });
    assert.throws(() => new Fields().append('x-a', b('line\r\nx-evil: 1')), {
      tag: 'invalid-syntax',
    });
    assert.throws(() => new Fields().set('x-a', [b('ok'), b('nul\0')]), { tag: 'invalid-syntax' });
    assert.throws(() => new Fields().delete('bad:name'), { tag: 'invalid-syntax' });
  });

  it('refuses hop-by-hop names the host controls with forbidden', () => {
    for (const name of ['Connection', 'transfer-encoding', 'host', 'upgrade', 'keep-alive']) {
      assert.throws(() => Fields.fromList([[name, b('x')]]), { tag: 'forbidden' }, name);
    }
  });

  it('refuses writes to frozen fields with immutable, but clones are mutable', () => {
    const f = Fields.fromHost([['host', b('example.com')]]).freeze();
    assert.throws(() => f.append('x-a', b('1')), { tag: 'immutable' });
    assert.throws(() => f.set('x-a', []), { tag: 'immutable' });
    assert.throws(() => f.delete('host'), { tag: 'immutable' });
    const c = f.clone();
    c.append('x-a', b('1'));
    assert.deepEqual(text(c.get('host')), ['example.com']);
  });

  it('hands out copies, so a guest-held value cannot change the fields', () => {
    const f = Fields.fromList([['x-a', b('1')]]);
    f.get('x-a')[0]![0] = 0x39;
    assert.deepEqual(text(f.get('x-a')), ['1']);
  });

  it('accepts exactly the values without CR, LF, NUL or other controls but HTAB', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), (bytes) => {
        const bad = bytes.some((x) => (x < 0x20 && x !== 0x09) || x === 0x7f);
        assert.equal(isValidFieldValue(bytes), !bad);
      }),
    );
  });
});
