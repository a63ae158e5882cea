import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Status } from '@wisp/api';
import {
  KubeAlreadyExistsError,
  KubeApiError,
  KubeConflictError,
  KubeGoneError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeTooManyRequestsError,
  isKubeReason,
  kubeErrorFromStatus,
  statusFromBody,
} from './errors.ts';

const status = (code: number, reason: Status['reason'], extra: Partial<Status> = {}): Status => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  code,
  reason,
  message: `${reason} happened`,
  ...extra,
});

describe('kubeErrorFromStatus', () => {
  it('maps each reason to its named error and stable code', () => {
    const cases: [Status, new (...args: never[]) => Error, string][] = [
      [status(404, 'NotFound'), KubeNotFoundError, 'ERR_NOT_FOUND'],
      [status(409, 'AlreadyExists'), KubeAlreadyExistsError, 'ERR_ALREADY_EXISTS'],
      [status(409, 'Conflict'), KubeConflictError, 'ERR_CONFLICT'],
      [status(422, 'Invalid'), KubeInvalidError, 'ERR_INVALID'],
      [status(410, 'Expired'), KubeGoneError, 'ERR_COMPACTED'],
      [status(410, 'Gone'), KubeGoneError, 'ERR_COMPACTED'],
      [status(429, 'TooManyRequests'), KubeTooManyRequestsError, 'ERR_TOO_MANY_REQUESTS'],
      [status(400, 'BadRequest'), KubeApiError, 'ERR_BAD_REQUEST'],
    ];
    for (const [s, cls, code] of cases) {
      const e = kubeErrorFromStatus(s);
      assert.ok(e instanceof cls, `${s.reason} → ${cls.name}`);
      assert.equal(e.code, code);
      assert.equal(e.reason, s.reason);
      assert.equal(e.statusCode, s.code);
      assert.equal(e.message, `${s.reason} happened`);
      assert.equal(e.name, cls.name);
    }
  });

  it('keeps the Status details, such as an eviction retry hint and invalid causes', () => {
    const e = kubeErrorFromStatus(
      status(429, 'TooManyRequests', { details: { retryAfterSeconds: 5 } }),
    ) as KubeTooManyRequestsError;
    assert.equal(e.retryAfterSeconds, 5);
    const causes = [{ field: 'spec.containers[0].image', message: 'Required value' }];
    const invalid = kubeErrorFromStatus(status(422, 'Invalid', { details: { causes } }));
    assert.deepEqual(invalid.status.details?.causes, causes);
    assert.ok(isKubeReason(invalid, 'Invalid'));
    assert.ok(!isKubeReason(invalid, 'NotFound'));
  });

  it('falls back to the HTTP code when the reason is missing', () => {
    const e = kubeErrorFromStatus(status(404, undefined));
    assert.ok(e instanceof KubeNotFoundError);
  });
});

describe('statusFromBody', () => {
  it('reads a Status body', () => {
    const s = statusFromBody(404, JSON.stringify(status(404, 'NotFound')));
    assert.equal(s.reason, 'NotFound');
    assert.equal(s.message, 'NotFound happened');
  });

  it('makes a Status from the code and text of a non-Status body', () => {
    const s = statusFromBody(503, 'upstream down\n');
    assert.equal(s.code, 503);
    assert.equal(s.reason, 'ServiceUnavailable');
    assert.equal(s.message, 'upstream down');
    assert.equal(statusFromBody(418, '').reason, 'InternalError');
  });
});
