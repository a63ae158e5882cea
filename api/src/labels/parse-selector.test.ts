import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InvalidError } from '../validation/invalid-error.ts';
import {
  everything,
  newRequirement,
  nothing,
  parseSelector,
  selectorCharsMax,
  selectorFromSet,
  selectorOf,
  type Labels,
  type Operator,
  type Requirement,
} from './index.ts';

function throwsInvalid(s: string, message: string): void {
  assert.throws(
    () => parseSelector(s),
    (e: unknown) => e instanceof InvalidError && e.code === 'ERR_INVALID' && e.message === message,
  );
}

describe('parseSelector', () => {
  it('reads every operator of the string form', () => {
    const s = parseSelector('a=b,c!=d,e in (x,y),f notin (z),g,!h,i==j,k>5,l<7');
    assert.deepEqual(
      s.requirements.map((r) => [r.key, r.operator, r.values]),
      [
        ['a', '=', ['b']],
        ['c', '!=', ['d']],
        ['e', 'in', ['x', 'y']],
        ['f', 'notin', ['z']],
        ['g', 'exists', []],
        ['h', '!', []],
        ['i', '==', ['j']],
        ['k', 'gt', ['5']],
        ['l', 'lt', ['7']],
      ],
    );
  });

  it('prints a canonical form: keys sorted, values sorted and unique', () => {
    assert.equal(parseSelector(' z = 1 , a in (c,b,c) ').toString(), 'a in (b,c),z=1');
    assert.equal(
      parseSelector('x in (foo,,baz),y,z notin ()').toString(),
      'x in (,baz,foo),y,z notin ()',
    );
  });

  it('treats in and notin as plain words where a value is expected', () => {
    assert.equal(parseSelector('in in (in,notin)').toString(), 'in in (in,notin)');
    assert.equal(parseSelector('a=in').toString(), 'a=in');
  });

  it('reads an empty selector as selecting everything', () => {
    const s = parseSelector('');
    assert.equal(s.empty(), true);
    assert.equal(s.matches(undefined), true);
  });

  it('matches labels as Kubernetes does', () => {
    const s = parseSelector('env in (prod,staging),tier!=db,!legacy');
    assert.equal(s.matches({ env: 'prod', tier: 'web' }), true);
    assert.equal(s.matches({ env: 'prod' }), true);
    assert.equal(s.matches({ env: 'dev' }), false);
    assert.equal(s.matches({ env: 'prod', legacy: '' }), false);
    assert.equal(parseSelector('n>5').matches({ n: '6' }), true);
    assert.equal(parseSelector('n>5').matches({ n: 'x' }), false);
    assert.equal(parseSelector('x notin (a)').matches({}), true);
  });

  it('reports syntax errors with the token at fault', () => {
    throwsInvalid(
      'a b',
      "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
    );
    throwsInvalid('a=b,', "found '', expected: identifier after ','");
    throwsInvalid('!a=b', "found '=', expected: ',' or 'end of string'");
    throwsInvalid('a in x', "unable to parse requirement: found 'x' expected: '('");
    throwsInvalid('a in (x', "unable to parse requirement: found '', expected: ',' or ')'");
    throwsInvalid(',a', "found ',', expected: !, identifier, or 'end of string'");
  });

  it('reports invalid keys and values naming them', () => {
    assert.throws(
      () => parseSelector('-a'),
      /^InvalidError: unable to parse requirement: invalid label key "-a": name part must consist/,
    );
    assert.throws(
      () => parseSelector('a=-b'),
      /invalid label value: "-b": at key: "a": a valid label must be/,
    );
    throwsInvalid(
      'a<x',
      "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer",
    );
  });

  it('refuses selectors longer than the limit', () => {
    const long = `a=${'b'.repeat(selectorCharsMax)}`;
    assert.throws(() => parseSelector(long), /must be no more than 16384 characters/);
  });

  it('never fails with anything but InvalidError', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab=!(), in\t-_./5') }), (s) => {
        try {
          parseSelector(s);
        } catch (e) {
          assert.ok(e instanceof InvalidError, String(e));
        }
      }),
    );
  });
});

describe('special selectors', () => {
  it('distinguishes everything from nothing', () => {
    assert.equal(everything().matches({ a: 'b' }), true);
    assert.equal(nothing().matches({ a: 'b' }), false);
    assert.equal(nothing().empty(), false);
    assert.equal(nothing().toString(), '');
  });

  it('builds an equality selector from a label set', () => {
    const s = selectorFromSet({ b: '2', a: '1' });
    assert.equal(s.toString(), 'a=1,b=2');
    assert.equal(s.requiresExactMatch('a'), '1');
    assert.equal(parseSelector('a in (1,2)').requiresExactMatch('a'), undefined);
  });
});

const keys = ['a', 'app', 'tier', 'example.com/role', 'x.y-z_w'];
const values = ['', 'v', 'web', 'db', '1', '10', 'A.b-c_d'];
const integers = ['0', '1', '5', '10', '123'];
const operators: Operator[] = ['=', '==', '!=', 'in', 'notin', 'exists', '!', 'gt', 'lt'];

const requirementArb: fc.Arbitrary<Requirement> = fc
  .tuple(
    fc.constantFrom(...keys),
    fc.constantFrom(...operators),
    fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 3 }),
    fc.constantFrom(...integers),
  )
  .map(([key, op, vals, n]) => {
    if (op === 'exists' || op === '!') return newRequirement(key, op, []);
    if (op === 'gt' || op === 'lt') return newRequirement(key, op, [n]);
    if (op === 'in' || op === 'notin') return newRequirement(key, op, vals);
    return newRequirement(key, op, [vals[0]]);
  });

const labelsArb: fc.Arbitrary<Labels> = fc.dictionary(
  fc.constantFrom(...keys),
  fc.constantFrom(...values, ...integers),
);

/** A second, deliberately plain reading of the semantics. */
function reference(reqs: readonly Requirement[], labels: Labels): boolean {
  return reqs.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key];
    if (r.operator === 'exists') return has;
    if (r.operator === '!') return !has;
    if (r.operator === '=' || r.operator === '==' || r.operator === 'in')
      return has && r.values.includes(v);
    if (r.operator === '!=' || r.operator === 'notin') return !has || !r.values.includes(v);
    if (!has || !/^\d+$/.test(v)) return false;
    return r.operator === 'gt' ? Number(v) > Number(r.values[0]) : Number(v) < Number(r.values[0]);
  });
}

describe('selector properties', () => {
  it('parses its printed form back to the same selector', () => {
    fc.assert(
      fc.property(fc.array(requirementArb, { maxLength: 5 }), (reqs) => {
        const s = selectorOf(reqs);
        const again = parseSelector(s.toString());
        assert.equal(again.toString(), s.toString());
        assert.deepEqual(again.requirements, s.requirements);
      }),
    );
  });

  it('matches exactly when a plain reference evaluation does', () => {
    fc.assert(
      fc.property(fc.array(requirementArb, { maxLength: 5 }), labelsArb, (reqs, labels) => {
        const s = selectorOf(reqs);
        const expected = reference(reqs, labels);
        assert.equal(s.matches(labels), expected);
        assert.equal(parseSelector(s.toString()).matches(labels), expected);
      }),
    );
  });
});
