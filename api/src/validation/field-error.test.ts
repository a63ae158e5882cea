import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  asStruct,
  duplicate,
  forbidden,
  formatFieldError,
  formatValue,
  invalid,
  notFound,
  notSupported,
  required,
  tooLong,
} from './field-error.ts';

describe('field errors', () => {
  it('word each type as Kubernetes does', () => {
    const shown = [
      required('spec.containers'),
      required('metadata.name', 'name or generateName is required'),
      invalid('spec.replicas', -1, 'must be greater than or equal to 0'),
      notSupported('spec.restartPolicy', 'Foo', ['Always', 'OnFailure', 'Never']),
      duplicate('spec.containers[1].name', 'a'),
      forbidden('metadata.namespace', 'not allowed on this type'),
      tooLong('metadata.annotations', 262144),
      notFound('spec.containers[0].volumeMounts[0].name', 'data'),
    ].map(formatFieldError);
    assert.deepEqual(shown, [
      'spec.containers: Required value',
      'metadata.name: Required value: name or generateName is required',
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.restartPolicy: Unsupported value: "Foo": supported values: "Always", ' +
        '"OnFailure", "Never"',
      'spec.containers[1].name: Duplicate value: "a"',
      'metadata.namespace: Forbidden: not allowed on this type',
      'metadata.annotations: Too long: must have at most 262144 bytes',
      'spec.containers[0].volumeMounts[0].name: Not found: "data"',
    ]);
  });

  it('prints values the way Go prints them where it matters', () => {
    assert.equal(formatValue('x'), '"x"');
    assert.equal(formatValue(3), '3');
    assert.equal(formatValue(null), 'null');
    assert.equal(formatValue(['a', 'b']), '[]string{"a", "b"}');
    assert.equal(formatValue({ b: '2', a: '1' }), 'map[string]string{"a":"1", "b":"2"}');
    assert.equal(formatValue({ a: 1 }), '{"a":1}');
    assert.equal(
      invalid('x', asStruct({ k: 'v' }), 'bad').message,
      'Invalid value: {"k":"v"}: bad',
    );
  });
});
