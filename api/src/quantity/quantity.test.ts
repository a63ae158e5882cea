import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InvalidError } from '../validation/invalid-error.ts';
import {
  parseQuantity,
  Quantity,
  quantityCharsMax,
  quantityFormatMessage,
  quantityProblem,
  quantitySuffixMessage,
  type QuantityFormat,
} from './index.ts';

describe('parseQuantity', () => {
  const canonical: [string, string, QuantityFormat][] = [
    ['100m', '100m', 'DecimalSI'],
    ['1.5', '1500m', 'DecimalSI'],
    ['1000m', '1', 'DecimalSI'],
    ['0.1', '100m', 'DecimalSI'],
    ['64Mi', '64Mi', 'BinarySI'],
    ['1024Mi', '1Gi', 'BinarySI'],
    ['1.5Gi', '1536Mi', 'BinarySI'],
    ['1Ki', '1Ki', 'BinarySI'],
    ['0.5Ki', '512', 'BinarySI'],
    ['1G', '1G', 'DecimalSI'],
    ['1000M', '1G', 'DecimalSI'],
    ['2e3', '2e3', 'DecimalExponent'],
    ['1e4', '10e3', 'DecimalExponent'],
    ['12e1', '120', 'DecimalExponent'],
    ['1E', '1E', 'DecimalSI'],
    ['1000E', '1e21', 'DecimalSI'],
    ['-1.5', '-1500m', 'DecimalSI'],
    ['-1Ki', '-1Ki', 'BinarySI'],
    ['+1', '1', 'DecimalSI'],
    ['.5', '500m', 'DecimalSI'],
    ['5.', '5', 'DecimalSI'],
    ['0', '0', 'DecimalSI'],
    ['0Mi', '0', 'BinarySI'],
  ];
  for (const [input, out, format] of canonical) {
    it(`prints ${input} as ${out}`, () => {
      const q = parseQuantity(input);
      assert.equal(q.toString(), out);
      assert.equal(q.format, format);
    });
  }

  it('rounds values finer than a nano up, away from zero', () => {
    assert.equal(parseQuantity('1.0000000001').toString(), '1000000001n');
    assert.equal(parseQuantity('1e-10').toString(), '1e-9');
    assert.equal(parseQuantity('-0.0000000001').toString(), '-1n');
  });

  it('saturates binary quantities at 2^63-1', () => {
    assert.equal(parseQuantity('8Ei').toString(), '9223372036854775807');
    assert.equal(parseQuantity('100000000000000000000').toString(), '100E');
  });

  it('prints fractional binary quantities in decimal', () => {
    const q = parseQuantity('0.0001Ki');
    assert.equal(q.format, 'DecimalSI');
    assert.equal(q.toString(), '102400u');
  });

  it('reports malformed quantities with Kubernetes wording', () => {
    assert.equal(quantityProblem('abc'), quantityFormatMessage);
    assert.equal(quantityProblem(''), quantityFormatMessage);
    assert.equal(quantityProblem('1.2.3'), quantityFormatMessage);
    assert.equal(quantityProblem('1Kii'), quantitySuffixMessage);
    assert.equal(quantityProblem('1ki'), quantitySuffixMessage);
    assert.equal(quantityProblem('1e'), quantitySuffixMessage);
    assert.equal(quantityProblem('1e1001'), quantitySuffixMessage);
    assert.equal(
      quantityProblem('1'.repeat(quantityCharsMax + 1)),
      'must be no more than 256 characters',
    );
    assert.equal(quantityProblem('1'.repeat(quantityCharsMax)), undefined);
  });

  it('throws InvalidError naming the input', () => {
    assert.throws(
      () => parseQuantity('12x'),
      (e: unknown) =>
        e instanceof InvalidError && e.code === 'ERR_INVALID' && /"12x"/.test(e.message),
    );
  });
});

describe('Quantity values', () => {
  it('reads milli and whole values, rounding up', () => {
    assert.equal(parseQuantity('100m').milliValue(), 100);
    assert.equal(parseQuantity('100m').value(), 1);
    assert.equal(parseQuantity('1.5').value(), 2);
    assert.equal(parseQuantity('-1.5').value(), -2);
    assert.equal(parseQuantity('64Mi').value(), 67108864);
    assert.equal(parseQuantity('1n').milliValue(), 1);
  });

  it('adds in the receiver format unless the receiver is zero', () => {
    assert.equal(parseQuantity('1Gi').add(parseQuantity('512Mi')).toString(), '1536Mi');
    assert.equal(parseQuantity('0').add(parseQuantity('1Ki')).toString(), '1Ki');
    assert.equal(parseQuantity('100m').add(parseQuantity('900m')).toString(), '1');
    assert.equal(parseQuantity('1').sub(parseQuantity('1500m')).toString(), '-500m');
  });

  it('builds from milli and whole values', () => {
    assert.equal(Quantity.fromMilli(1500).toString(), '1500m');
    assert.equal(Quantity.fromValue(2048, 'BinarySI').toString(), '2Ki');
    assert.throws(() => Quantity.fromMilli(1.5), InvalidError);
  });

  it('serialises to its canonical string', () => {
    assert.equal(JSON.stringify({ cpu: parseQuantity('0.25') }), '{"cpu":"250m"}');
  });
});

const formats: QuantityFormat[] = ['DecimalSI', 'BinarySI', 'DecimalExponent'];

/** Any quantity a parse can yield: nano precision, binary values inside int64. */
const quantityArb = fc
  .tuple(
    fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
    fc.integer({ min: -9, max: 3 }),
    fc.constantFrom(...formats),
  )
  .map(([u, e, f]) => Quantity.fromParts(u, e, f));

describe('Quantity properties', () => {
  it('parses its own printed form back to the same value', () => {
    fc.assert(
      fc.property(quantityArb, (q) => {
        const again = parseQuantity(q.toString());
        assert.equal(again.cmp(q), 0);
        // A binary value printed without a suffix (2000) reads back as decimal (2k) once;
        // after that the text is a fixed point.
        if (q.format !== 'BinarySI') assert.equal(again.toString(), q.toString());
        assert.equal(parseQuantity(again.toString()).toString(), again.toString());
      }),
    );
  });

  it('keeps add, sub and cmp consistent', () => {
    fc.assert(
      fc.property(quantityArb, quantityArb, quantityArb, (a, b, c) => {
        const sum = a.add(b);
        assert.equal(sum.cmp(b.add(a)), 0);
        assert.equal(sum.sub(b).cmp(a), 0);
        assert.equal(sum.cmp(a), b.sign());
        // Antisymmetric; summed, since strict equality tells -0 from 0 when a equals b.
        assert.equal(a.cmp(b) + b.cmp(a), 0);
        assert.equal(
          a
            .add(b)
            .add(c)
            .cmp(a.add(b.add(c))),
          0,
        );
        if (a.cmp(b) <= 0 && b.cmp(c) <= 0) assert.ok(a.cmp(c) <= 0);
      }),
    );
  });

  it('agrees with exact rational arithmetic on generated inputs', () => {
    const suffixes: [string, bigint, bigint][] = [
      ['', 1n, 1n],
      ['m', 1n, 1000n],
      ['k', 1000n, 1n],
      ['M', 10n ** 6n, 1n],
      ['Ki', 1024n, 1n],
      ['Mi', 1024n ** 2n, 1n],
      ['e2', 100n, 1n],
      ['e-3', 1n, 1000n],
    ];
    const digits = (max: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: max });
    fc.assert(
      fc.property(
        fc.boolean(),
        digits(8),
        digits(6),
        fc.constantFrom(...suffixes),
        (neg, whole, frac, [suffix, mul, div]) => {
          fc.pre(whole.length + frac.length > 0);
          const text = `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}${suffix}`;
          const q = parseQuantity(text);
          // Reference: value × 10^9, rounded away from zero.
          const num = BigInt(`${whole}${frac}` || '0') * mul * 10n ** 9n;
          const den = 10n ** BigInt(frac.length) * div;
          let nano = num / den + (num % den === 0n ? 0n : 1n);
          if (neg) nano = -nano;
          assert.equal(q.scaledValue(-9), nano, text);
        },
      ),
    );
  });
});
