import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeLogAnswer,
  decodeLogRequest,
  encodeLogAnswer,
  encodeLogRequest,
  type LogRequest,
} from './log-messages.ts';

const request: LogRequest = {
  namespace: 'default',
  pod: 'web',
  container: 'app',
  previous: false,
  timestamps: true,
  tailLines: 10,
  sinceBytes: 42,
  sinceFile: '2049:1234',
  instance: 3,
};
const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe('log messages', () => {
  it('round-trips a request and both kinds of answer', () => {
    assert.deepEqual(decodeLogRequest(encodeLogRequest(request)), request);
    const slice = {
      ...{ ok: true as const, text: 'hi\n', nextOffset: 44, fileId: '1:2' },
      ...{ rotated: false, more: false, ended: true, instance: 3 },
    };
    assert.deepEqual(decodeLogAnswer(encodeLogAnswer(slice)), slice);
    const refusal = { ok: false as const, code: 'waiting' as const, message: 'not yet' };
    assert.deepEqual(decodeLogAnswer(encodeLogAnswer(refusal)), refusal);
  });

  it('names the field that is wrong in a bad request', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...request, pod: '' }, /^request\.pod: Required value$/],
      [{ ...request, previous: 'yes' }, /^request\.previous: Invalid value/],
      [{ ...request, tailLines: -1 }, /^request\.tailLines: Invalid value/],
      [{ ...request, sinceBytes: 1.5 }, /^request\.sinceBytes: Invalid value/],
      [{ ...request, path: '/etc/passwd' }, /^request\.path: Invalid value: unknown$/],
      [{ ...request, container: 'x'.repeat(300) }, /^request\.container: Too long/],
    ];
    for (const [value, message] of cases) {
      assert.throws(() => decodeLogRequest(bytes(value)), { code: 'ERR_INVALID', message });
    }
    assert.throws(() => decodeLogRequest(new Uint8Array([0xff])), /not UTF-8 JSON/);
  });

  it('refuses an answer without its text or offsets', () => {
    assert.throws(() => decodeLogAnswer(bytes({ ok: true })), /answer\.text: Required value/);
    assert.throws(
      () => decodeLogAnswer(bytes({ ok: true, text: '', fileId: '', nextOffset: -1 })),
      /answer\.nextOffset: Invalid value/,
    );
    assert.throws(() => decodeLogAnswer(bytes({ ok: false, code: 'x' })), /answer\.code/);
  });
});
