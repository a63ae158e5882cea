import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonLines } from './json-lines.ts';
import { KubeDecodeError, KubeResponseTooLargeError } from './errors.ts';

async function* from(chunks: (string | Uint8Array)[]) {
  for (const c of chunks) yield c;
}

async function collect(chunks: (string | Uint8Array)[], max = 1024): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of jsonLines(from(chunks), max)) out.push(v);
  return out;
}

describe('jsonLines', () => {
  it('yields one value per line however the chunks cut them', async () => {
    const text = '{"a":1}\n{"b":"two"}\n{"c":[3]}\n';
    const expected = [{ a: 1 }, { b: 'two' }, { c: [3] }];
    for (let cut = 1; cut < text.length; cut++) {
      assert.deepEqual(await collect([text.slice(0, cut), text.slice(cut)]), expected);
    }
  });

  it('decodes a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from('{"name":"héllo ✓"}\n', 'utf8');
    const cut = bytes.indexOf(0xe2) + 1;
    assert.deepEqual(await collect([bytes.subarray(0, cut), bytes.subarray(cut)]), [
      { name: 'héllo ✓' },
    ]);
  });

  it('reads a last line without a newline and skips blank lines', async () => {
    assert.deepEqual(await collect(['\n{"a":1}\n\n', '{"b":2}']), [{ a: 1 }, { b: 2 }]);
  });

  it('refuses a line longer than the limit, even before its newline arrives', async () => {
    const long = `{"x":"${'y'.repeat(100)}"}`;
    await assert.rejects(collect([long], 50), KubeResponseTooLargeError);
    await assert.rejects(collect([`${long}\n`], 50), KubeResponseTooLargeError);
    assert.equal((await collect([`${long}\n`], long.length)).length, 1);
  });

  it('names a malformed line as a decode error', async () => {
    await assert.rejects(collect(['{"a":\n']), KubeDecodeError);
  });
});
