import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findKind } from '../resources.ts';
import type { KubeObject } from '../meta.ts';
import { InvalidError } from '../validation/invalid-error.ts';
import {
  checkFieldSelector,
  escapeFieldValue,
  fieldGetter,
  fieldSelectorFromSet,
  parseFieldSelector,
  supportedFields,
  unescapeFieldValue,
  type FieldOperator,
} from './index.ts';

describe('parseFieldSelector', () => {
  it('reads =, == and != terms, sorted', () => {
    const s = parseFieldSelector('status.phase!=Failed,spec.nodeName=n1,metadata.name==web');
    assert.deepEqual(s.requirements, [
      { field: 'metadata.name', op: '==', value: 'web' },
      { field: 'spec.nodeName', op: '=', value: 'n1' },
      { field: 'status.phase', op: '!=', value: 'Failed' },
    ]);
    assert.equal(s.toString(), 'metadata.name=web,spec.nodeName=n1,status.phase!=Failed');
  });

  it('unescapes backslash-escaped commas, equals signs and backslashes', () => {
    const s = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d');
    assert.equal(s.requirements[0].value, 'a,b=c\\d');
    assert.equal(s.toString(), 'metadata.name=a\\,b\\=c\\\\d');
  });

  it('treats a missing field as the empty string when matching', () => {
    const s = parseFieldSelector('spec.nodeName=');
    assert.equal(
      s.matches(() => undefined),
      true,
    );
    assert.equal(
      s.matches(() => 'n1'),
      false,
    );
    assert.equal(
      parseFieldSelector('').matches(() => 'x'),
      true,
    );
    assert.equal(parseFieldSelector('a=b,,c=d').requirements.length, 2);
  });

  it('reports terms it cannot read, as Kubernetes words it', () => {
    const expect = (s: string, message: string) =>
      assert.throws(
        () => parseFieldSelector(s),
        (e: unknown) => e instanceof InvalidError && e.message === message,
      );
    expect('abc', "invalid selector: 'abc'; can't understand 'abc'");
    expect('a=b=c', 'invalid field selector: unescaped character in value: =');
    expect('a=b\\x', 'invalid field selector: invalid escape sequence: \\x');
    expect('a=b\\', 'invalid field selector: invalid escape sequence: \\');
  });

  it('knows which value a selector pins a field to', () => {
    const s = fieldSelectorFromSet({ 'spec.nodeName': 'n1' });
    assert.equal(s.requiresExactMatch('spec.nodeName'), 'n1');
    assert.equal(parseFieldSelector('a!=b').requiresExactMatch('a'), undefined);
  });

  it('round-trips any value through escaping and printing', () => {
    const termArb = fc.record({
      field: fc.constantFrom('metadata.name', 'spec.nodeName', 'type'),
      op: fc.constantFrom<FieldOperator>('=', '!='),
      value: fc.string({ unit: fc.constantFrom(...'ab,=\\! .') }),
    });
    fc.assert(
      fc.property(fc.string(), (v) => assert.equal(unescapeFieldValue(escapeFieldValue(v)), v)),
    );
    fc.assert(
      fc.property(fc.array(termArb, { maxLength: 4 }), (terms) => {
        const text = terms.map((t) => `${t.field}${t.op}${escapeFieldValue(t.value)}`).join(',');
        const s = parseFieldSelector(text);
        assert.equal(parseFieldSelector(s.toString()).toString(), s.toString());
        const values = new Map<string, string>(terms.map((t) => [t.field, t.value]));
        const expected = terms.every((t) => (values.get(t.field) === t.value) === (t.op === '='));
        assert.equal(
          s.matches((f) => values.get(f)),
          expected,
        );
      }),
    );
  });
});

describe('supported fields', () => {
  const pods = findKind('v1', 'Pod')!;
  const nodes = findKind('v1', 'Node')!;
  const events = findKind('v1', 'Event')!;
  const secrets = findKind('v1', 'Secret')!;

  it('lists metadata fields for every kind and extra ones per kind', () => {
    assert.deepEqual(supportedFields(findKind('v1', 'ConfigMap')!), [
      'metadata.name',
      'metadata.namespace',
    ]);
    for (const f of [
      'spec.nodeName',
      'status.phase',
      'spec.restartPolicy',
      'spec.schedulerName',
      'status.podIP',
    ]) {
      assert.ok(supportedFields(pods).includes(f), f);
    }
    assert.ok(supportedFields(nodes).includes('spec.unschedulable'));
    assert.ok(supportedFields(secrets).includes('type'));
    assert.ok(supportedFields(events).includes('involvedObject.name'));
  });

  it('rejects unsupported fields with the Kubernetes message', () => {
    assert.throws(
      () => checkFieldSelector(pods, parseFieldSelector('spec.nodeName=a,spec.foo=b')),
      (e: unknown) =>
        e instanceof InvalidError && e.message === 'field label not supported: spec.foo',
    );
    assert.doesNotThrow(() =>
      checkFieldSelector(events, parseFieldSelector('involvedObject.kind=Pod,type=Warning')),
    );
  });

  it('reads fields from objects the way the apiserver does', () => {
    const pod = {
      metadata: { name: 'p', namespace: 'ns' },
      spec: { nodeName: 'n1' },
      status: { phase: 'Running', podIPs: [{ ip: '10.42.0.5' }] },
    } as KubeObject;
    const get = fieldGetter(pods, pod);
    assert.equal(get('status.podIP'), '10.42.0.5');
    assert.equal(get('spec.hostNetwork'), 'false');
    assert.equal(get('nope'), undefined);
    const sel = parseFieldSelector(
      'spec.nodeName=n1,status.phase!=Succeeded,metadata.namespace=ns',
    );
    assert.equal(sel.matches(get), true);
    const node = { metadata: { name: 'n1' }, spec: {} } as KubeObject;
    assert.equal(fieldGetter(nodes, node)('spec.unschedulable'), 'false');
    const ev = { metadata: { name: 'e' }, source: {}, reportingComponent: 'kubelet' } as KubeObject;
    assert.equal(fieldGetter(events, ev)('source'), 'kubelet');
  });
});
