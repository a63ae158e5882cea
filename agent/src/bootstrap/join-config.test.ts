import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JoinConfigError } from './errors.ts';
import { parseJoinConfig } from './join-config.ts';

const token = `K10${'ab'.repeat(32)}::abc123.${'x'.repeat(32)}`;

describe('parseJoinConfig', () => {
  it('accepts a first-boot config and keeps only the server origin', () => {
    const c = parseJoinConfig({
      server: 'https://10.0.0.1:6443/',
      token,
      nodeName: 'edge-1',
      site: 'store-1',
      labels: { a: 'b' },
    });
    assert.deepEqual(c, {
      server: 'https://10.0.0.1:6443',
      token,
      nodeName: 'edge-1',
      site: 'store-1',
      labels: { a: 'b' },
    });
  });

  it('needs no token once the node has joined', () => {
    assert.deepEqual(parseJoinConfig({ server: 'https://s', nodeName: 'n' }), {
      server: 'https://s',
      nodeName: 'n',
    });
  });

  it('names the bad field', () => {
    const cases: [unknown, RegExp][] = [
      [{ nodeName: 'n' }, /server: Required value/],
      [{ server: 'http://s', nodeName: 'n' }, /server: .*must be https/],
      [{ server: 'https://s' }, /nodeName: Required value/],
      [{ server: 'https://s', nodeName: 'N_1' }, /nodeName: Invalid value/],
      [{ server: 'https://s', nodeName: 'n', token: 'abc.def' }, /token: Invalid value/],
      [{ server: 'https://s', nodeName: 'n', site: 'a b' }, /site: Invalid value/],
      [{ server: 'https://s', nodeName: 'n', labels: { a: 1 } }, /labels\[a\]/],
    ];
    for (const [value, want] of cases) {
      assert.throws(
        () => parseJoinConfig(value),
        (e: unknown) => e instanceof JoinConfigError && want.test(e.message),
      );
    }
  });
});
