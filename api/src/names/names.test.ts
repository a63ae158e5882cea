import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  annotationsBytes,
  annotationsBytesMax,
  annotationsWithinLimit,
  isCIDR,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isIP,
  isLabelValue,
  isQualifiedName,
  isValidPortName,
  nameIsDNSSubdomain,
  nameIsPathSegment,
} from './index.ts';

describe('DNS names', () => {
  it('words the subdomain error exactly as Kubernetes does', () => {
    assert.deepEqual(isDNS1123Subdomain('Foo'), [
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' " +
        "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', " +
        'regex used for validation is ' +
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
  });

  it('accepts subdomains up to 253 characters and reports the length beyond', () => {
    const label = 'a'.repeat(63);
    const ok = [label, label, label, 'a'.repeat(61)].join('.');
    assert.equal(ok.length, 253);
    assert.deepEqual(isDNS1123Subdomain(ok), []);
    assert.deepEqual(isDNS1123Subdomain(`${ok}a`), ['must be no more than 253 characters']);
  });

  it('tells a label with dots apart from a malformed label', () => {
    assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
    assert.match(isDNS1123Label('-a')[0], /^a lowercase RFC 1123 label must consist/);
    assert.deepEqual(isDNS1123Label('a'.repeat(63)), []);
    assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  });

  it('requires RFC 1035 labels to start with a letter', () => {
    assert.deepEqual(isDNS1035Label('web'), []);
    assert.match(isDNS1035Label('1web')[0], /^a DNS-1035 label must consist/);
  });

  it('lets a generateName end in a dash', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
  });

  it('allows RBAC names anything but path separators', () => {
    assert.deepEqual(nameIsPathSegment('system:controller:x', false), []);
    assert.deepEqual(nameIsPathSegment('..', false), ["may not be '..'"]);
    assert.deepEqual(nameIsPathSegment('a/b%', false), [
      "may not contain '/'",
      "may not contain '%'",
    ]);
  });
});

describe('label keys and values', () => {
  it('accepts prefixed keys and reports each broken part', () => {
    assert.deepEqual(isQualifiedName('example.com/MyName'), []);
    assert.deepEqual(isQualifiedName('/a'), ['prefix part must be non-empty']);
    const errs = isQualifiedName('a/');
    assert.equal(errs[0], 'name part must be non-empty');
    assert.match(errs[1], /^name part must consist of alphanumeric characters/);
    assert.match(isQualifiedName('a/b/c')[0], /^a qualified name must consist of/);
  });

  it('caps the name part at 63 characters', () => {
    assert.deepEqual(isQualifiedName('a'.repeat(63)), []);
    assert.deepEqual(isQualifiedName('a'.repeat(64)), [
      'name part must be no more than 63 characters',
    ]);
  });

  it('accepts empty label values and rejects ones that start with a symbol', () => {
    assert.deepEqual(isLabelValue(''), []);
    assert.deepEqual(isLabelValue('my_value.1'), []);
    assert.match(isLabelValue('-x')[0], /^a valid label must be an empty string or consist of/);
    assert.deepEqual(isLabelValue('a'.repeat(64))[0], 'must be no more than 63 characters');
  });
});

describe('annotations', () => {
  it('counts keys and values in UTF-8 bytes against 256 KiB', () => {
    assert.equal(annotationsBytes({ ab: 'é' }), 4);
    const atLimit = { k: 'v'.repeat(annotationsBytesMax - 1) };
    assert.equal(annotationsWithinLimit(atLimit), true);
    assert.equal(annotationsWithinLimit({ ...atLimit, x: '' }), false);
  });
});

describe('smaller shapes', () => {
  it('checks port names as IANA service names', () => {
    assert.deepEqual(isValidPortName('http'), []);
    assert.deepEqual(isValidPortName('80'), ['must contain at least one letter (a-z)']);
    assert.deepEqual(isValidPortName('a--b'), ['must not contain consecutive hyphens']);
    assert.deepEqual(isValidPortName('a'.repeat(16)), ['must be no more than 15 characters']);
  });

  it('rejects config keys that climb out of a volume', () => {
    assert.deepEqual(isConfigMapKey('app.properties'), []);
    assert.deepEqual(isConfigMapKey('..data'), ["must not start with '..'"]);
    assert.equal(isConfigMapKey('a b').length, 1);
  });

  it('accepts any printable ASCII but = in environment variable names', () => {
    assert.deepEqual(isEnvVarName('1_FOO.bar-baz'), []);
    assert.equal(isEnvVarName('A=B').length, 1);
    assert.deepEqual(isEnvVarName(''), ['environment variable name must be non-empty']);
  });

  it('parses IPv4, IPv6 and CIDRs', () => {
    for (const ok of [
      '10.42.0.1',
      '::',
      '::1',
      '2001:db8::ffff',
      '::ffff:10.0.0.1',
      '1:2:3:4:5:6:7:8',
    ]) {
      assert.equal(isIP(ok), true, ok);
    }
    for (const bad of ['1.2.3', '256.1.1.1', '01.1.1.1', '1::2::3', '1:2:3:4:5:6:7:8:9', 'x']) {
      assert.equal(isIP(bad), false, bad);
    }
    assert.equal(isCIDR('10.42.0.0/24'), true);
    assert.equal(isCIDR('fd00::/64'), true);
    assert.equal(isCIDR('10.42.0.0/33'), false);
    assert.equal(isCIDR('10.42.0.0'), false);
  });
});
